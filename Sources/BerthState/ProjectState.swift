/// What berth created for one project, written before and after every step of `up` and
/// `down`. The kernel is the truth about what *exists*; this record is the truth about what
/// berth *meant* to create and from which definition, so the planner can explain a
/// recreate field by field and the next run can finish or undo a step that was killed.
public struct ProjectState: Codable, Sendable, Equatable {
    public var name: String
    public var projectDirectory: String
    public var files: [String]
    public var containers: [ContainerRecord]
    public var networks: [NetworkRecord]
    public var volumes: [VolumeRecord]

    public init(
        name: String, projectDirectory: String = "", files: [String] = [], containers: [ContainerRecord] = [],
        networks: [NetworkRecord] = [], volumes: [VolumeRecord] = []
    ) {
        self.name = name
        self.projectDirectory = projectDirectory
        self.files = files
        self.containers = containers
        self.networks = networks
        self.volumes = volumes
    }

    public var isEmpty: Bool { containers.isEmpty && networks.isEmpty && volumes.isEmpty }
}

/// Whether a resource's creation finished. A record is written as `.creating` *before* the
/// kernel object is made, so a run killed in between leaves a trace the next run cleans up
/// instead of an invisible leak.
public enum Phase: String, Codable, Sendable {
    case creating
    case created
    case removing
}

/// One field of a normalised definition (`environment.LOG_LEVEL` = `debug`).
public struct DefinitionField: Codable, Sendable, Equatable {
    public var path: String
    public var value: String

    public init(path: String, value: String) {
        self.path = path
        self.value = value
    }
}

public struct ContainerRecord: Codable, Sendable, Equatable {
    public var name: String
    public var service: String
    public var replica: Int
    /// The runtime's identifier (its state directory name).
    public var runtimeID: String
    public var phase: Phase
    public var definition: [DefinitionField]
    /// Digests of content the definition only names: env_files, configs, secrets, the image.
    public var contentDigests: [String: String]
    public var createdAt: String

    public init(
        name: String, service: String, replica: Int, runtimeID: String, phase: Phase,
        definition: [DefinitionField], contentDigests: [String: String], createdAt: String
    ) {
        self.name = name
        self.service = service
        self.replica = replica
        self.runtimeID = runtimeID
        self.phase = phase
        self.definition = definition
        self.contentDigests = contentDigests
        self.createdAt = createdAt
    }
}

public struct NetworkRecord: Codable, Sendable, Equatable {
    /// The key in the compose file (`backend`).
    public var key: String
    /// The resource name (`app_backend`).
    public var name: String
    /// The Linux bridge (`bt…`).
    public var bridge: String
    public var subnet: String
    public var gateway: String
    public var external: Bool
    public var phase: Phase
    public var definition: [DefinitionField]

    public init(
        key: String, name: String, bridge: String, subnet: String, gateway: String, external: Bool, phase: Phase,
        definition: [DefinitionField]
    ) {
        self.key = key
        self.name = name
        self.bridge = bridge
        self.subnet = subnet
        self.gateway = gateway
        self.external = external
        self.phase = phase
        self.definition = definition
    }
}

public struct VolumeRecord: Codable, Sendable, Equatable {
    public var key: String
    public var name: String
    public var path: String
    public var external: Bool
    public var phase: Phase
    public var definition: [DefinitionField]

    public init(
        key: String, name: String, path: String, external: Bool, phase: Phase, definition: [DefinitionField]
    ) {
        self.key = key
        self.name = name
        self.path = path
        self.external = external
        self.phase = phase
        self.definition = definition
    }
}
