/// What berth created for one project, written before and after every step of `up` and
/// `down`. The kernel is the truth about what *exists*; this record is the truth about what
/// berth *meant* to create and from which definition, so the planner can explain a
/// recreate field by field and the next run can finish or undo a step that was killed.
public struct ProjectState: Codable, Sendable, Equatable {
    /// The record's layout, written as `version` next to the fields: a berth that finds
    /// another version refuses the file instead of misreading it.
    public static let schemaVersion = 1

    public var name: String
    public var projectDirectory: String
    public var files: [String]
    public var containers: [ContainerRecord]
    public var networks: [NetworkRecord]
    public var volumes: [VolumeRecord]
    /// The project's network daemon (DNS and published ports), so the next command can
    /// signal it or restart it when it died.
    public var networkDaemonPid: Int32? = nil

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
    /// Recorded so `down` can order removals and the network daemon can serve names without
    /// the stack files; nil in records written before these existed.
    public var details: ContainerDetails? = nil

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

/// What a container's kernel objects and service-discovery entries are, written before they
/// are made so a killed run can undo them by name.
public struct ContainerDetails: Codable, Sendable, Equatable {
    public var dependsOn: [String]
    /// Network resource names.
    public var networks: [String]
    /// Volume resource names.
    public var volumes: [String]
    /// The bind-mounted network namespace file.
    public var networkNamespace: String
    public var attachments: [AttachmentRecord]
    public var ports: [PublishedPortRecord]
    public var hasHealthcheck: Bool

    public init(
        dependsOn: [String], networks: [String], volumes: [String], networkNamespace: String,
        attachments: [AttachmentRecord], ports: [PublishedPortRecord], hasHealthcheck: Bool
    ) {
        self.dependsOn = dependsOn
        self.networks = networks
        self.volumes = volumes
        self.networkNamespace = networkNamespace
        self.attachments = attachments
        self.ports = ports
        self.hasHealthcheck = hasHealthcheck
    }
}

/// One veth of a container on one network, with the names it answers to there.
public struct AttachmentRecord: Codable, Sendable, Equatable {
    public var network: String
    public var hostInterface: String
    public var address: String
    public var aliases: [String]

    public init(network: String, hostInterface: String, address: String, aliases: [String]) {
        self.network = network
        self.hostInterface = hostInterface
        self.address = address
        self.aliases = aliases
    }
}

/// A host port the network daemon forwards to this container.
public struct PublishedPortRecord: Codable, Sendable, Equatable, Hashable {
    public var hostIP: String
    public var hostPort: Int
    public var targetPort: Int
    /// `tcp` or `udp`.
    public var transport: String

    public init(hostIP: String, hostPort: Int, targetPort: Int, transport: String) {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.targetPort = targetPort
        self.transport = transport
    }

    public var description: String { "\(hostIP):\(hostPort)->\(targetPort)/\(transport)" }
}
