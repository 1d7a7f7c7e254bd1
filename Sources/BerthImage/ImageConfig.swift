/// What an image asks of the container that runs it, typed for the runtime: docker's config
/// keys (`Env`, `Cmd`, `Entrypoint`, ...) parsed once, here.
public struct ImageConfig: Sendable, Equatable {
    /// RFC 3339 creation time as recorded in the image, if any.
    public var created: String?
    public var architecture: String
    public var os: String
    public var user: String?
    /// `KEY=value` entries in image order (later entries win, as in docker).
    public var environment: [String]
    public var entrypoint: [String]?
    public var command: [String]?
    public var workingDirectory: String?
    public var exposedPorts: [ExposedPort]
    /// Container paths the image declares as volumes.
    public var volumes: [String]
    public var labels: [String: String]
    public var stopSignal: String?
    public var healthcheck: Healthcheck?
    /// Uncompressed layer digests, lowest layer first.
    public var diffIDs: [Digest]

    public init(
        created: String? = nil, architecture: String = "amd64", os: String = "linux", user: String? = nil,
        environment: [String] = [], entrypoint: [String]? = nil, command: [String]? = nil,
        workingDirectory: String? = nil, exposedPorts: [ExposedPort] = [], volumes: [String] = [],
        labels: [String: String] = [:], stopSignal: String? = nil, healthcheck: Healthcheck? = nil,
        diffIDs: [Digest] = []
    ) {
        self.created = created
        self.architecture = architecture
        self.os = os
        self.user = user
        self.environment = environment
        self.entrypoint = entrypoint
        self.command = command
        self.workingDirectory = workingDirectory
        self.exposedPorts = exposedPorts
        self.volumes = volumes
        self.labels = labels
        self.stopSignal = stopSignal
        self.healthcheck = healthcheck
        self.diffIDs = diffIDs
    }
}

/// A port the image documents (`EXPOSE 80/tcp`).
public struct ExposedPort: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum TransportProtocol: String, Sendable, Comparable {
        case tcp, udp, sctp
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var port: UInt16
    public var transport: TransportProtocol

    public init(port: UInt16, transport: TransportProtocol = .tcp) {
        self.port = port
        self.transport = transport
    }

    /// Parses `80`, `80/tcp`, `53/udp`.
    public init(parsing text: String) throws(ImageError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let first = parts.first, let port = UInt16(first), port > 0 else {
            throw ImageError.malformedJSON(what: "exposed port \"\(text)\"", reason: "expected PORT or PORT/PROTOCOL")
        }
        var transport = TransportProtocol.tcp
        if parts.count == 2 {
            guard let parsed = TransportProtocol(rawValue: String(parts[1]).lowercased()) else {
                throw ImageError.malformedJSON(
                    what: "exposed port \"\(text)\"", reason: "protocol must be tcp, udp or sctp")
            }
            transport = parsed
        }
        self.init(port: port, transport: transport)
    }

    public var description: String { "\(port)/\(transport.rawValue)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.port, lhs.transport) < (rhs.port, rhs.transport) }
}

/// The image's HEALTHCHECK.
public struct Healthcheck: Sendable, Equatable {
    public enum Test: Sendable, Equatable {
        /// Empty test: inherit (from a base image; for a final image, no check).
        case inherit
        /// `["NONE"]`: checks disabled.
        case disabled
        /// `["CMD", args...]`: exec form.
        case command([String])
        /// `["CMD-SHELL", "cmd"]`: run with the container's shell.
        case shell(String)
    }

    public var test: Test
    public var interval: Duration?
    public var timeout: Duration?
    public var startPeriod: Duration?
    public var startInterval: Duration?
    public var retries: Int?

    public init(
        test: Test, interval: Duration? = nil, timeout: Duration? = nil, startPeriod: Duration? = nil,
        startInterval: Duration? = nil, retries: Int? = nil
    ) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
    }
}
