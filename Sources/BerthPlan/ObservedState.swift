/// What the runtime reports for the project right now, including what it recorded when
/// each resource was created (so the planner can diff without asking the model about the past).
public struct ObservedState: Hashable, Sendable {
    public var containers: [ObservedContainer]
    public var networks: [ObservedNetwork]
    public var volumes: [ObservedVolume]
    /// The log file of the project's network daemon when the project needs one and none
    /// runs (DNS is down; published ports keep their last kernel rules but no longer follow
    /// replicas and health); nil when all is well.
    public var networkDaemonDown: String?

    public init(
        containers: [ObservedContainer] = [], networks: [ObservedNetwork] = [], volumes: [ObservedVolume] = [],
        networkDaemonDown: String? = nil
    ) {
        self.containers = containers
        self.networks = networks
        self.volumes = volumes
        self.networkDaemonDown = networkDaemonDown
    }

    /// Containers whose service is not in `desired`: removed from the files or disabled by a
    /// profile. Sorted by name.
    public func orphans(of desired: DesiredState) -> [ObservedContainer] {
        let names = Set(desired.services.map(\.name))
        return containers.filter { !names.contains($0.service) }.sorted { $0.name < $1.name }
    }
}

public struct ObservedContainer: Hashable, Sendable {
    public var name: String
    public var service: String
    /// 1-based replica number.
    public var replica: Int
    public var state: ContainerState
    public var health: Health
    /// The definition and content digests recorded when the container was created.
    public var definition: Definition
    public var contentDigests: [ContentKey: String]
    /// Recorded at creation so `down` can order removals without the stack files.
    public var dependsOn: [String]
    public var networks: [String]
    public var volumes: [String]

    public init(
        name: String, service: String, replica: Int = 1, state: ContainerState = .running, health: Health = .none,
        definition: Definition = Definition(), contentDigests: [ContentKey: String] = [:], dependsOn: [String] = [],
        networks: [String] = [], volumes: [String] = []
    ) {
        self.name = name
        self.service = service
        self.replica = replica
        self.state = state
        self.health = health
        self.definition = definition
        self.contentDigests = contentDigests
        self.dependsOn = dependsOn
        self.networks = networks
        self.volumes = volumes
    }
}

public enum ContainerState: Hashable, Sendable {
    case running
    /// Stopped on request (`berth stop`): not drift.
    case stopped
    /// The main process exited on its own: drift when the container should be running.
    case exited(code: Int32)
    /// Created but never started (e.g. `up --no-start`, or an earlier run failed halfway).
    case created
    /// The runtime could not clean it up; it cannot be started again.
    case dead
    case paused
    /// The container's supervisor process is gone, so its state is unknown.
    case processMissing
}

public enum Health: String, Hashable, Sendable {
    case none
    case starting
    case healthy
    case unhealthy
}

public struct ObservedNetwork: Hashable, Sendable {
    public var name: String
    public var definition: Definition
    /// False when berth's record exists but the bridge is gone from the kernel.
    public var presentInKernel: Bool

    public init(name: String, definition: Definition = Definition(), presentInKernel: Bool = true) {
        self.name = name
        self.definition = definition
        self.presentInKernel = presentInKernel
    }
}

public struct ObservedVolume: Hashable, Sendable {
    public var name: String
    public var definition: Definition
    /// False when berth's record exists but the data directory is gone.
    public var present: Bool

    public init(name: String, definition: Definition = Definition(), present: Bool = true) {
        self.name = name
        self.definition = definition
        self.present = present
    }
}
