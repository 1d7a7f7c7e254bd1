/// What an action acts on. Containers are planned per service, so a scale change or a
/// rolling update reads as one step of the service rather than scattered container lines.
public struct Resource: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        case network
        case volume
        case service
    }

    public var kind: Kind
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public static func network(_ name: String) -> Resource { Resource(.network, name) }
    public static func volume(_ name: String) -> Resource { Resource(.volume, name) }
    public static func service(_ name: String) -> Resource { Resource(.service, name) }

    public var description: String { "\(kind.rawValue) \(name)" }

    public static func < (lhs: Resource, rhs: Resource) -> Bool {
        (lhs.kind.rawValue, lhs.name) < (rhs.kind.rawValue, rhs.name)
    }
}

/// One container of a service.
public struct Replica: Hashable, Sendable {
    public var number: Int
    /// The container this action leaves behind (for a recreate, the new one).
    public var container: String
    /// For a recreate: the container being replaced. Differs from `container` when the
    /// old and new replica must run side by side (start-first).
    public var previous: String?

    public init(_ number: Int, container: String, previous: String? = nil) {
        self.number = number
        self.container = container
        self.previous = previous
    }
}

/// The kind of step an action is.
public enum Change: String, Hashable, Sendable {
    case create
    case recreate
    /// Start existing, stopped containers.
    case start
    /// Stop and start running containers (a `restart: true` dependency was recreated).
    case restart
    case scaleUp = "scale-up"
    /// Remove the highest-numbered replicas, as compose does.
    case scaleDown = "scale-down"
    case remove
    case noop
    /// Stop running containers and leave them (`berth stop`, Ctrl-C of an attached `up`).
    case stop
    /// Send `Plan.signal` to running containers (`berth kill`); their restart policy decides
    /// what happens next.
    case kill
    /// Wait until the containers run, are healthy when they have a healthcheck, or finished
    /// successfully (`up --wait`).
    case wait
}
