import BerthPlan

import struct BerthModel.Network
import struct BerthModel.Volume

/// What the engine needs from a container runtime. Kept narrow so the real runtime, the
/// `--dry-run` simulator and tests plug in the same way.
///
/// Removals of something already gone must succeed, so a plan interrupted halfway can be
/// re-planned and applied again without special cases.
public protocol RuntimeDriver: Sendable {
    func createNetwork(_ network: NetworkSpec) async throws
    func removeNetwork(_ name: String) async throws
    func createVolume(_ volume: VolumeSpec) async throws
    func removeVolume(_ name: String) async throws
    func createContainer(_ spec: ContainerSpec) async throws
    func startContainer(_ name: String) async throws
    /// Stops the container, killing it after `timeout`.
    func stopContainer(_ name: String, timeout: Duration) async throws
    func removeContainer(_ name: String) async throws
    /// Sends `signal` to the container's main process; a container that is gone or not
    /// running is not an error.
    func killContainer(_ name: String, signal: Int32) async throws
    /// Waits until `condition` holds or cannot hold any more (the container exited, turned
    /// unhealthy), or `deadline` passes.
    func waitUntil(_ condition: WaitCondition, container: String, deadline: ContinuousClock.Instant) async throws
        -> WaitOutcome
    func observe() async throws -> ObservedState
    /// The container's last log lines, for failure reports; empty when there are none.
    func recentLogs(container: String, lines: Int) async -> [String]
}

public struct NetworkSpec: Hashable, Sendable {
    public var name: String
    public var definition: Definition
    /// The stack's declaration (key, IPAM); nil when planned without a stack.
    public var model: Network?

    public init(name: String, definition: Definition, model: Network? = nil) {
        self.name = name
        self.definition = definition
        self.model = model
    }
}

public struct VolumeSpec: Hashable, Sendable {
    public var name: String
    public var definition: Definition
    /// The stack's declaration (key, driver options); nil when planned without a stack.
    public var model: Volume?

    public init(name: String, definition: Definition, model: Volume? = nil) {
        self.name = name
        self.definition = definition
        self.model = model
    }
}

/// One replica to create. Carries the definition and digests so the runtime can record
/// them for the next plan's comparison, and the service's template (`service.template`),
/// everything a driver needs to build the container.
public struct ContainerSpec: Hashable, Sendable {
    public var project: String
    public var service: DesiredService
    public var replica: Int
    public var name: String

    public init(project: String, service: DesiredService, replica: Int, name: String) {
        self.project = project
        self.service = service
        self.replica = replica
        self.name = name
    }
}

public enum WaitCondition: Hashable, Sendable, CustomStringConvertible {
    /// Started at least once (it may have exited since).
    case started
    /// Running and its healthcheck passing.
    case healthy
    /// Exited with status 0.
    case completedSuccessfully

    public var description: String {
        switch self {
        case .started: return "started"
        case .healthy: return "healthy"
        case .completedSuccessfully: return "completed successfully"
        }
    }
}

public enum WaitOutcome: Hashable, Sendable {
    case satisfied
    case exited(code: Int32)
    /// The healthcheck failed; `lastOutput` is what the check printed last.
    case unhealthy(lastOutput: String)
    /// `healthy` was asked of a container without a healthcheck.
    case noHealthcheck
    case timedOut
}
