/// Why an action is in the plan. Recreates list every field that differs, so a user can
/// see what a deploy will do before it does it.
public enum Reason: Hashable, Sendable {
    case changed(path: String, from: String, to: String)
    case added(path: String, value: String)
    case removed(path: String, value: String)
    /// An env_file, config or secret file whose bytes changed.
    case contentChanged(what: String)
    /// The tag now points at a different image.
    case imageDigestChanged(tag: String)
    case networkRecreated(String)
    case volumeRecreated(String)
    /// `depends_on.<service>.restart: true` and that service is being recreated.
    case dependencyRecreated(String)
    /// `--force-recreate`.
    case forced
    /// Repairs something that changed outside berth.
    case drift(DriftItem)
    /// Stopped on request; `up` starts it again.
    case stopped(container: String)
    /// Created but never started.
    case notStarted(container: String)
    /// Exited with status 0 (a one-shot job that finished): started again, as compose does,
    /// but not drift.
    case completed(container: String)
    case scaled(from: Int, to: Int)
    /// The service is no longer in the configuration (or disabled by a profile).
    case orphan
    /// A network or volume definition change that deletes the volume's data on recreate.
    case dataLoss
}

/// Something that changed outside berth: reported on its own so users learn about it even
/// when the plan repairs it silently.
public struct DriftItem: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// The main process exited by itself.
        case containerExited(code: Int32)
        case containerDead
        /// The container's supervisor is gone.
        case supervisorMissing
        /// The network's bridge was deleted from the kernel.
        case bridgeMissing
        /// The volume's directory was deleted.
        case volumeMissing
    }

    public var resource: Resource
    /// The container, for container drift.
    public var container: String?
    public var kind: Kind

    public init(_ resource: Resource, container: String? = nil, _ kind: Kind) {
        self.resource = resource
        self.container = container
        self.kind = kind
    }
}

/// Why a plan cannot be applied. The planner still returns a plan so every problem can be
/// shown at once; the engine refuses plans that have any.
public enum PlanProblem: Hashable, Sendable, CustomStringConvertible {
    case unknownService(String)
    case dependencyCycle([String])
    case missingDependency(service: String, dependency: String)
    case externalVolumeMissing(String)
    case containerNameWithReplicas(service: String, replicas: Int)
    case negativeScale(service: String, replicas: Int)
    case conflictingOptions(String, String)

    public var description: String {
        switch self {
        case .unknownService(let name):
            return "no such service: \(name); check the name against `berth config --services`"
        case .dependencyCycle(let names):
            return "services depend on each other in a cycle: \((names + names.prefix(1)).joined(separator: " → ")); "
                + "remove one of these depends_on entries"
        case .missingDependency(let service, let dependency):
            return "service \(service) depends on \(dependency), which is not defined or not enabled; "
                + "define it, enable its profile, or mark the dependency `required: false`"
        case .externalVolumeMissing(let name):
            return "external volume \(name) does not exist; create it first (`berth volume create \(name)`)"
        case .containerNameWithReplicas(let service, let replicas):
            return "service \(service) sets container_name but asks for \(replicas) replicas; "
                + "a fixed name allows only one, so drop container_name or scale to 1"
        case .negativeScale(let service, let replicas):
            return "service \(service): cannot scale to \(replicas) replicas; use 0 or more"
        case .conflictingOptions(let a, let b):
            return "\(a) and \(b) cannot be used together"
        }
    }
}
