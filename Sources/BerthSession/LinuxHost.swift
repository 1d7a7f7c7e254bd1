import BerthDriver
import BerthImage
import BerthModel
import BerthRuntime
import BerthState
import Foundation

/// The real machine: berth's root with its state store, image store and runtime.
public struct LinuxHost: StackHost {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func lock(project: String, onWait: @escaping @Sendable () -> Void) throws -> AnyObject {
        try StateStore(root: root).lock(project: project, onWait: onWait)
    }

    public func connect(_ topology: Topology, images request: ImageRequest, daemon: Bool) async throws
        -> StackConnection
    {
        let images = try await self.images(of: topology, request)
        let driver = try Self.makeDriver(
            root: root, topology: topology, images: images, daemonExecutable: daemon ? Self.executable : nil)
        return StackConnection(driver: driver, imageDigests: images.mapValues { $0.manifestDigest.description })
    }

    /// The one place a `LinuxDriver` is built.
    static func makeDriver(
        root: String, topology: Topology, images: [String: StoredImage], daemonExecutable: String?
    ) throws -> LinuxDriver {
        try LinuxDriver(
            root: root, project: topology.name.rawValue, topology: topology, images: images,
            daemonExecutable: daemonExecutable)
    }

    /// Stored images for the services, pulled first as the request (or each service's
    /// `pull_policy`) says. Resolving only skips missing images, never pulls.
    func images(of topology: Topology, _ request: ImageRequest) async throws -> [String: StoredImage] {
        if request == .none { return [:] }
        let store = ImageStoreFactory.make(root: root)
        var result: [String: StoredImage] = [:]
        for service in topology.services {
            guard let text = service.image, result[text] == nil else { continue }
            let reference = try ImageReference(parsing: text)
            guard case .ensure(let pull) = request else {
                if let image = try? store.image(for: reference) { result[text] = image }
                continue
            }
            let policy =
                (pull ?? service.pullPolicy.flatMap { ImagePullPolicy(rawValue: $0.rawValue) } ?? .missing).store
            do {
                result[text] = try await store.ensure(reference, policy: policy)
            } catch {
                throw StackError.message("service \(service.name): image \(text): \(error)")
            }
        }
        return result
    }

    public func containers(project: String) async throws -> [ContainerStatus] {
        let runtime = Runtime(root: root)
        let records = try StateStore(root: root).load(project: project)?.containers ?? []
        return records.map { record in
            let current = try? runtime.state(id: record.runtimeID)
            return ContainerStatus(
                name: record.name, service: record.service, replica: record.replica, runtimeID: record.runtimeID,
                status: current.map { ContainerStatus.Status(rawValue: $0.status.rawValue) ?? .dead } ?? .dead,
                exitCode: current?.exitCode, pid: current?.pid)
        }
    }

    public func logs(_ container: ContainerStatus, tail: Int?, since: String?) async -> [LogLine] {
        let records =
            (try? Runtime(root: root).logs(id: container.runtimeID, options: LogOptions(tail: tail, since: since)))
            ?? []
        return records.map { LogLine(time: $0.time, text: $0.log, isError: $0.stream == .stderr) }
    }

    /// The running `berth` binary, which also serves as the network daemon.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

extension ImagePullPolicy {
    var store: BerthImage.PullPolicy {
        switch self {
        case .always: return .always
        case .missing: return .missing
        case .never: return .never
        }
    }
}

extension LinuxDriver: StackDriver {
    public func preflight(_ topology: Topology) async throws {
        try PortCheck.check(topology, state: currentState)
        try checkExternalResources()
        try checkServicesSupported()
    }

    public func syncDaemon() async {
        await ensureDaemon()
    }

    public func waitUntilPublished() async {
        await PortCheck.waitUntilPublished(currentState)
    }
}
