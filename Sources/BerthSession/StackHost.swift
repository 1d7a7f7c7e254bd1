import BerthEngine
import BerthModel

/// Everything a stack session needs from the machine it runs on. `LinuxHost` is the real
/// one (berth's root, image store, runtime and `LinuxDriver`); tests plug in one over the
/// in-memory `SimulatedRuntime`, so every use case runs without root.
public protocol StackHost: Sendable {
    /// berth's state directory (events are logged beneath it).
    var root: String { get }
    /// The project's writer lock, held while the returned object lives; `onWait` is called
    /// once when another berth command holds it.
    func lock(project: String, onWait: @escaping @Sendable () -> Void) throws -> AnyObject
    /// Resolves the stack's images as `images` says and opens a driver for the project.
    /// `daemon` lets the driver start and reload the project's network daemon.
    func connect(_ topology: Topology, images: ImageRequest, daemon: Bool) async throws -> StackConnection
    /// The project's recorded containers in creation order, with what the runtime says now.
    func containers(project: String) async throws -> [ContainerStatus]
    /// A container's log lines after `since` (its last `tail` lines when set).
    func logs(_ container: ContainerStatus, tail: Int?, since: String?) async -> [LogLine]
}

/// A driver for one project plus the image digests the plan compares against.
public struct StackConnection: Sendable {
    public var driver: any StackDriver
    /// Image reference as written in the stack → manifest digest.
    public var imageDigests: [String: String]

    public init(driver: any StackDriver, imageDigests: [String: String]) {
        self.driver = driver
        self.imageDigests = imageDigests
    }
}

/// The engine's driver plus the steps around a plan that only the host can do.
public protocol StackDriver: RuntimeDriver {
    /// Refuses, before anything is created, what cannot work: a host port already taken, a
    /// missing external network or volume, a key berth cannot run.
    func preflight(_ topology: Topology) async throws
    /// The network daemon serves what the project record says (started, reloaded or
    /// stopped), once per command.
    func syncDaemon() async
    /// Waits (bounded) until every published TCP port accepts connections.
    func waitUntilPublished() async
}

/// How a command gets its images.
public enum ImageRequest: Hashable, Sendable {
    /// Only images already stored; missing ones are skipped (plan, dry runs, down).
    case resolveOnly
    /// Stored or pulled as the policy says (nil: each service's `pull_policy`).
    case ensure(ImagePullPolicy?)
    /// None: the command acts on existing containers.
    case none
}

/// `--pull` / `pull_policy`, as the session takes it.
public enum ImagePullPolicy: String, Hashable, Sendable, CaseIterable {
    case always, missing, never
}

/// One container of the project as a person follows it: recorded name and service, and
/// the runtime's view of its process.
public struct ContainerStatus: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        case created, running, restarting, exited
        /// The runtime has no state for it.
        case dead
    }

    public var name: String
    public var service: String
    public var replica: Int
    public var runtimeID: String
    public var status: Status
    public var exitCode: Int32?
    /// The main process on the host, while it runs.
    public var pid: Int32?

    public init(
        name: String, service: String, replica: Int, runtimeID: String, status: Status, exitCode: Int32? = nil,
        pid: Int32? = nil
    ) {
        self.pid = pid
        self.name = name
        self.service = service
        self.replica = replica
        self.runtimeID = runtimeID
        self.status = status
        self.exitCode = exitCode
    }

    public var isRunning: Bool { status == .running || status == .restarting }
}

/// One line a container printed.
public struct LogLine: Hashable, Sendable {
    /// RFC 3339 with nanoseconds, as the runtime records it.
    public var time: String
    public var text: String
    public var isError: Bool

    public init(time: String, text: String, isError: Bool = false) {
        self.time = time
        self.text = text
        self.isError = isError
    }
}
