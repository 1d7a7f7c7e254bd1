import BerthModel

/// The topology the stack files ask for, in the planner's own terms. The integrator maps
/// the typed model onto these so the planner stays a pure function with no model dependency.
public struct DesiredState: Hashable, Sendable {
    public var project: String
    public var services: [DesiredService]
    public var networks: [DesiredNetwork]
    public var volumes: [DesiredVolume]

    public init(
        project: String, services: [DesiredService] = [], networks: [DesiredNetwork] = [],
        volumes: [DesiredVolume] = []
    ) {
        self.project = project
        self.services = services
        self.networks = networks
        self.volumes = volumes
    }
}

/// One service: how many replicas, what they depend on, what they attach to, and how
/// updates roll out.
public struct DesiredService: Hashable, Sendable {
    public var name: String
    public var replicas: Int
    /// `container_name`: a fixed name, which limits the service to one replica.
    public var containerName: String?
    public var dependsOn: [Dependency]
    public var networks: [String]
    public var volumes: [String]
    public var updateOrder: UpdateOrder
    public var failureAction: FailureAction
    /// Whether the service defines an enabled healthcheck; updates and `service_healthy`
    /// waits need one.
    public var hasHealthcheck: Bool
    public var definition: Definition
    public var contentDigests: [ContentKey: String]
    /// How to build the containers; nil for services planned without a stack (tests,
    /// simulations), which a real driver refuses to create.
    public var template: ContainerTemplate?

    public init(
        name: String, replicas: Int = 1, containerName: String? = nil, dependsOn: [Dependency] = [],
        networks: [String] = [], volumes: [String] = [], updateOrder: UpdateOrder = .stopFirst,
        failureAction: FailureAction = .pause, hasHealthcheck: Bool = false, definition: Definition = Definition(),
        contentDigests: [ContentKey: String] = [:], template: ContainerTemplate? = nil
    ) {
        self.name = name
        self.replicas = replicas
        self.containerName = containerName
        self.dependsOn = dependsOn
        self.networks = networks
        self.volumes = volumes
        self.updateOrder = updateOrder
        self.failureAction = failureAction
        self.hasHealthcheck = hasHealthcheck
        self.definition = definition
        self.contentDigests = contentDigests
        self.template = template
    }
}

/// A `depends_on` entry.
public struct Dependency: Hashable, Sendable {
    public enum Condition: String, Hashable, Sendable {
        case started = "service_started"
        case healthy = "service_healthy"
        case completedSuccessfully = "service_completed_successfully"
    }

    public var service: String
    public var condition: Condition
    /// Restart the dependent when this dependency is recreated.
    public var restart: Bool
    /// When false, a dependency that is absent (e.g. disabled by a profile) does not block.
    public var required: Bool

    public init(_ service: String, condition: Condition = .started, restart: Bool = false, required: Bool = true) {
        self.service = service
        self.condition = condition
        self.restart = restart
        self.required = required
    }
}

/// `update_config.order`.
public enum UpdateOrder: String, Hashable, Sendable {
    /// Stop the old replica, then start the new one (brief outage, no overlap).
    case stopFirst = "stop-first"
    /// Start the new replica, wait until it is healthy, then stop the old one.
    case startFirst = "start-first"
}

/// `update_config.failure_action`: what a rollout does when a new replica fails its health check.
public enum FailureAction: String, Hashable, Sendable {
    /// Stop the rollout; replicas already updated stay, the rest keep the old version.
    case pause
    /// Stop the rollout and put every replica back on the old version (needs start-first,
    /// where old replicas are still there to fall back to).
    case rollback
    /// Ignore the failed health check and keep rolling.
    case `continue`
}

public struct DesiredNetwork: Hashable, Sendable {
    public var name: String
    public var definition: Definition
    /// The stack's declaration (key, IPAM) for the driver; nil when planned without a stack.
    public var model: Network?

    public init(name: String, definition: Definition = Definition(), model: Network? = nil) {
        self.name = name
        self.definition = definition
        self.model = model
    }
}

public struct DesiredVolume: Hashable, Sendable {
    public var name: String
    public var definition: Definition
    /// Created outside berth: never created, recreated or removed by a plan, only required to exist.
    public var external: Bool
    /// The stack's declaration (key, driver options) for the driver; nil when planned without a stack.
    public var model: Volume?

    public init(name: String, definition: Definition = Definition(), external: Bool = false, model: Volume? = nil) {
        self.name = name
        self.definition = definition
        self.external = external
        self.model = model
    }
}
