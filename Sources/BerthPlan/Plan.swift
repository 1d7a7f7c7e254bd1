/// One step of a plan.
public struct Action: Hashable, Sendable {
    public var resource: Resource
    public var change: Change
    /// The containers involved (empty for networks and volumes). For scale-down, highest first.
    public var replicas: [Replica]
    public var reasons: [Reason]
    /// Indices into `Plan.actions` that must be done first. The engine runs everything else
    /// in parallel.
    public var after: [Int]
    /// For recreates of services: how old and new replicas are swapped. Falls back to
    /// stop-first where the two cannot coexist (fixed container_name, or the network or
    /// volume underneath is replaced too).
    public var updateOrder: UpdateOrder?

    public init(
        _ resource: Resource, _ change: Change, replicas: [Replica] = [], reasons: [Reason] = [], after: [Int] = [],
        updateOrder: UpdateOrder? = nil
    ) {
        self.resource = resource
        self.change = change
        self.replicas = replicas
        self.reasons = reasons
        self.after = after
        self.updateOrder = updateOrder
    }
}

/// What a service looks like once the plan is applied; the engine reads it to create
/// containers and to wait on `depends_on` conditions.
public struct ServiceTarget: Hashable, Sendable {
    public var service: DesiredService
    /// The service's containers after the plan, by replica number.
    public var replicas: [Replica]

    public init(service: DesiredService, replicas: [Replica]) {
        self.service = service
        self.replicas = replicas
    }
}

public struct PlanSummary: Hashable, Sendable {
    public var create = 0
    public var recreate = 0
    public var start = 0
    public var restart = 0
    public var scale = 0
    public var remove = 0
    public var unchanged = 0

    public init() {}

    public var changes: Int { create + recreate + start + restart + scale + remove }
}

/// An ordered list of actions that turns the observed state into the desired one.
public struct Plan: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case up
        case down
    }

    public var kind: Kind
    public var project: String
    /// Networks and volumes first, then services in dependency order (removals in reverse);
    /// ties broken by name so the same inputs always give the same plan.
    public var actions: [Action]
    public var drift: [DriftItem]
    /// Drift outside any resource: the network daemon's log when it is not running (`up`
    /// restarts it).
    public var networkDaemonDown: String?
    /// Containers of services not in the configuration that the plan leaves in place (no
    /// `--remove-orphans`), so the CLI can say how to remove them.
    public var orphans: [String]
    public var problems: [PlanProblem]
    /// Services the plan touches or waits on, by name.
    public var targets: [String: ServiceTarget]
    /// `--no-start`: containers are created but not started.
    public var startContainers: Bool
    /// Definitions of the networks and volumes the plan creates, by name.
    public var networks: [String: Definition]
    public var volumes: [String: Definition]

    public init(
        kind: Kind, project: String, actions: [Action] = [], drift: [DriftItem] = [], orphans: [String] = [],
        problems: [PlanProblem] = [], targets: [String: ServiceTarget] = [:], startContainers: Bool = true,
        networks: [String: Definition] = [:], volumes: [String: Definition] = [:]
    ) {
        self.kind = kind
        self.project = project
        self.actions = actions
        self.drift = drift
        self.orphans = orphans
        self.problems = problems
        self.targets = targets
        self.startContainers = startContainers
        self.networks = networks
        self.volumes = volumes
    }

    public var summary: PlanSummary {
        var s = PlanSummary()
        for action in actions {
            switch action.change {
            case .create: s.create += 1
            case .recreate: s.recreate += 1
            case .start: s.start += 1
            case .restart: s.restart += 1
            case .scaleUp, .scaleDown: s.scale += 1
            case .remove: s.remove += 1
            case .noop: s.unchanged += 1
            }
        }
        return s
    }

    public var hasChanges: Bool { actions.contains { $0.change != .noop } || networkDaemonDown != nil }

    /// `--detailed-exitcode`, as terraform defines it: 0 nothing to do, 2 changes pending,
    /// 1 the plan cannot be applied.
    public var detailedExitCode: Int32 {
        if !problems.isEmpty { return 1 }
        return hasChanges ? 2 : 0
    }
}
