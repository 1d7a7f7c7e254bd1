/// Everything the runtime needs to run one container, after compose services and images have
/// been merged by the caller. Runtime-level on purpose: no compose or image types, so the
/// supervisor can read it without knowing about either.
public struct ContainerSpec: Codable, Sendable, Equatable {
    /// Image layer directories, top-most first (overlayfs lowerdir order).
    public var lowerDirectories: [String]
    public var readOnlyRootfs: Bool = false
    public var process: ProcessSpec
    public var hostname: String?
    public var domainname: String?
    public var mounts: [MountSpec] = []
    public var namespaces: NamespaceSpec = NamespaceSpec()
    /// Contents for /etc/hostname, /etc/hosts, /etc/resolv.conf; nil leaves the image's file.
    public var etcFiles: EtcFiles = EtcFiles()
    public var security: SecuritySpec = SecuritySpec()
    public var resources: ResourceSpec = ResourceSpec()
    public var rlimits: [ResourceLimit] = []
    public var sysctls: [String: String] = [:]
    public var stopSignal: Int32 = 15
    public var stopGraceMilliseconds: Int64 = 10_000
    public var restartPolicy: RestartPolicy = .no
    public var healthcheck: HealthcheckSpec?
    public var logging: LogSpec = LogSpec()
    /// Run a minimal init as PID 1 that reaps zombies and forwards signals (compose `init: true`).
    public var initProcess: Bool = false

    public init(lowerDirectories: [String], process: ProcessSpec) {
        self.lowerDirectories = lowerDirectories
        self.process = process
    }
}

/// The process to start: final argv (entrypoint + command already merged by the caller).
public struct ProcessSpec: Codable, Sendable, Equatable {
    public var arguments: [String]
    /// KEY=VALUE entries.
    public var environment: [String] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    /// `uid`, `uid:gid`, `name` or `name:group`, resolved in the container's /etc/passwd and /etc/group.
    public var user: String?
    public var workingDirectory: String = "/"
    public var terminal: Bool = false

    public init(arguments: [String]) { self.arguments = arguments }
}

public struct MountSpec: Codable, Sendable, Equatable {
    public enum Kind: Codable, Sendable, Equatable {
        /// A host path (file or directory) bound into the container.
        case bind(source: String)
        /// A fresh tmpfs with an optional size in bytes and mode.
        case tmpfs(sizeBytes: Int64?, mode: UInt32?)
    }
    public var kind: Kind
    /// Absolute path inside the container.
    public var target: String
    public var readOnly: Bool = false

    public init(kind: Kind, target: String, readOnly: Bool = false) {
        self.kind = kind
        self.target = target
        self.readOnly = readOnly
    }
}

/// Per namespace: a new private one, the host's, or an existing one to join (e.g. a network
/// namespace prepared by berth's network module, or another container's /proc/PID/ns/net).
public enum NamespaceMode: Codable, Sendable, Equatable {
    case `private`
    case host
    case join(path: String)
}

public struct NamespaceSpec: Codable, Sendable, Equatable {
    public var network: NamespaceMode = .private
    public var ipc: NamespaceMode = .private
    public var uts: NamespaceMode = .private
    public var pid: NamespaceMode = .private
    public init() {}
}

public struct EtcFiles: Codable, Sendable, Equatable {
    public var hostname: String?
    public var hosts: String?
    public var resolvConf: String?
    public init() {}
}

public struct SecuritySpec: Codable, Sendable, Equatable {
    /// All capabilities, no seccomp, no masked or read-only paths, host devices.
    public var privileged: Bool = false
    /// Capability names (`NET_ADMIN` or `CAP_NET_ADMIN`, or `ALL`).
    public var capabilityAdd: [String] = []
    public var capabilityDrop: [String] = []
    public var seccomp: SeccompMode = .defaultProfile
    public var noNewPrivileges: Bool = false
    public init() {}
}

public enum SeccompMode: Codable, Sendable, Equatable {
    case defaultProfile
    case unconfined
    /// A profile in docker's JSON format; `source` names the file for error messages.
    case profile(source: String, json: String)
}

public struct ResourceSpec: Codable, Sendable, Equatable {
    public var memoryBytes: Int64?
    /// Memory plus swap; -1 means unlimited swap.
    public var memorySwapBytes: Int64?
    /// CPUs in millicores (1500 = 1.5 CPUs), turned into a CFS quota.
    public var cpuMillis: Int64?
    public var cpuShares: Int64?
    public var pidsLimit: Int64?
    /// Size of /dev/shm; default 64 MiB like docker.
    public var shmSizeBytes: Int64 = 64 << 20
    public init() {}
}

public struct ResourceLimit: Codable, Sendable, Equatable {
    /// `nofile`, `nproc`, `core`, ... (compose ulimits names).
    public var name: String
    public var soft: UInt64
    public var hard: UInt64
    public init(name: String, soft: UInt64, hard: UInt64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }
}

public enum RestartPolicy: Codable, Sendable, Equatable {
    case no
    case always
    case onFailure(maxRetries: Int?)
    case unlessStopped
}

public struct HealthcheckSpec: Codable, Sendable, Equatable {
    public enum Test: Codable, Sendable, Equatable {
        case none
        case command([String])
        case shell(String)
    }
    public var test: Test
    public var intervalMilliseconds: Int64 = 30_000
    public var timeoutMilliseconds: Int64 = 30_000
    public var retries: Int = 3
    public var startPeriodMilliseconds: Int64 = 0
    public var startIntervalMilliseconds: Int64 = 5_000
    public init(test: Test) { self.test = test }
}

public struct LogSpec: Codable, Sendable, Equatable {
    public var maxBytes: Int64 = 10 << 20
    public var maxFiles: Int = 3
    public init() {}
}
