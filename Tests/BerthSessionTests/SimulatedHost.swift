import BerthEngine
import BerthModel
import BerthPlan
import BerthSession
import BerthTestSupport
import Synchronization

/// A `StackHost` over the in-memory `SimulatedRuntime`: the session's real sequence runs
/// against it without root. It records what the session asked of the machine (locks,
/// connections, preflights, daemon syncs), which is the part the session owns.
final class SimulatedHost: StackHost {
    let runtime: SimulatedRuntime
    let root = "/nonexistent/berth-session-tests"
    private let calls = Mutex<[String]>([])
    let preflightRefusal: String?

    init(runtime: SimulatedRuntime = SimulatedRuntime(), refusePreflight: String? = nil) {
        self.runtime = runtime
        self.preflightRefusal = refusePreflight
    }

    /// `lock app`, `connect`, `preflight`, `sync daemon`, ... in the order the session asked.
    var log: [String] { calls.withLock { $0 } }

    func record(_ call: String) { calls.withLock { $0.append(call) } }

    func lock(project: String, onWait: @escaping @Sendable () -> Void) throws -> AnyObject {
        record("lock \(project)")
        return Held()
    }

    func connect(_ topology: Topology, images: ImageRequest, daemon: Bool) async throws -> StackConnection {
        record("connect")
        return StackConnection(driver: SimulatedDriver(runtime: runtime, host: self), imageDigests: [:])
    }

    func containers(project: String) async throws -> [ContainerStatus] {
        try await runtime.observe().containers.map { container in
            var status = ContainerStatus(
                name: container.name, service: container.service, replica: container.replica,
                runtimeID: container.name, status: .dead)
            switch container.state {
            case .running: status.status = .running
            case .created: status.status = .created
            case .exited(let code):
                status.status = .exited
                status.exitCode = code
            case .stopped:
                status.status = .exited
                status.exitCode = 143
            case .dead, .paused, .processMissing: status.status = .dead
            }
            return status
        }
    }

    func logs(_ container: ContainerStatus, tail: Int?, since: String?) async -> [LogLine] { [] }

    private final class Held {}
}

/// The simulated runtime as a session's driver: the engine's calls go to the runtime, the
/// host-only steps are recorded (and a preflight can be made to refuse).
struct SimulatedDriver: StackDriver {
    let runtime: SimulatedRuntime
    let host: SimulatedHost

    func preflight(_ topology: Topology) async throws {
        host.record("preflight")
        if let refusal = host.preflightRefusal { throw StackError.message(refusal) }
    }

    func syncDaemon() async { host.record("sync daemon") }
    func waitUntilPublished() async { host.record("wait published") }

    func createNetwork(_ network: NetworkSpec) async throws { try await runtime.createNetwork(network) }
    func removeNetwork(_ name: String) async throws { try await runtime.removeNetwork(name) }
    func createVolume(_ volume: VolumeSpec) async throws { try await runtime.createVolume(volume) }
    func removeVolume(_ name: String) async throws { try await runtime.removeVolume(name) }
    func createContainer(_ spec: ContainerSpec) async throws { try await runtime.createContainer(spec) }
    func startContainer(_ name: String) async throws { try await runtime.startContainer(name) }
    func stopContainer(_ name: String, timeout: Swift.Duration) async throws {
        try await runtime.stopContainer(name, timeout: timeout)
    }
    func removeContainer(_ name: String) async throws { try await runtime.removeContainer(name) }
    func killContainer(_ name: String, signal: Int32) async throws {
        try await runtime.killContainer(name, signal: signal)
    }
    func waitUntil(_ condition: WaitCondition, container: String, deadline: ContinuousClock.Instant) async throws
        -> WaitOutcome
    {
        try await runtime.waitUntil(condition, container: container, deadline: deadline)
    }
    func observe() async throws -> ObservedState { try await runtime.observe() }
    func recentLogs(container: String, lines: Int) async -> [String] {
        await runtime.recentLogs(container: container, lines: lines)
    }
}
