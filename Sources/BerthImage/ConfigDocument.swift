/// The image config JSON as stored (docker's capitalised keys), converted to and from the
/// typed `ImageConfig`.
struct ConfigDocument: Codable, Sendable {
    var created: String?
    var author: String?
    var architecture: String
    var os: String
    var variant: String?
    var config: ContainerConfig?
    var rootfs: RootFS
    var history: [History]?

    struct Empty: Codable, Sendable, Equatable {}

    struct RootFS: Codable, Sendable {
        var type: String
        var diff_ids: [Digest]
    }

    struct History: Codable, Sendable {
        var created: String?
        var created_by: String?
        var comment: String?
        var empty_layer: Bool?
    }

    struct HealthDocument: Codable, Sendable {
        var Test: [String]?
        var Interval: Int64?
        var Timeout: Int64?
        var StartPeriod: Int64?
        var StartInterval: Int64?
        var Retries: Int?
    }

    struct ContainerConfig: Codable, Sendable {
        var User: String?
        var ExposedPorts: [String: Empty]?
        var Env: [String]?
        var Entrypoint: [String]?
        var Cmd: [String]?
        var Volumes: [String: Empty]?
        var WorkingDir: String?
        var Labels: [String: String]?
        var StopSignal: String?
        var Healthcheck: HealthDocument?
    }

    func typed(what: String) throws -> ImageConfig {
        guard rootfs.type == "layers" else {
            throw ImageError.malformedJSON(what: what, reason: "rootfs.type is \"\(rootfs.type)\", expected \"layers\"")
        }
        let container = config
        var ports: [ExposedPort] = []
        for key in (container?.ExposedPorts ?? [:]).keys {
            do {
                ports.append(try ExposedPort(parsing: key))
            } catch {
                throw ImageError.malformedJSON(what: what, reason: "config.ExposedPorts: \(error.description)")
            }
        }
        return ImageConfig(
            created: created, architecture: architecture, os: os,
            user: container?.User.flatMap { $0.isEmpty ? nil : $0 },
            environment: container?.Env ?? [], entrypoint: container?.Entrypoint, command: container?.Cmd,
            workingDirectory: container?.WorkingDir.flatMap { $0.isEmpty ? nil : $0 },
            exposedPorts: ports.sorted(), volumes: (container?.Volumes ?? [:]).keys.sorted(),
            labels: container?.Labels ?? [:], stopSignal: container?.StopSignal.flatMap { $0.isEmpty ? nil : $0 },
            healthcheck: try container?.Healthcheck.map { try ConfigDocument.typedHealthcheck($0, what: what) },
            diffIDs: rootfs.diff_ids)
    }

    static func typedHealthcheck(_ document: HealthDocument, what: String) throws -> Healthcheck {
        let test: Healthcheck.Test
        let words = document.Test ?? []
        switch words.first {
        case nil: test = .inherit
        case "NONE": test = .disabled
        case "CMD": test = .command(Array(words.dropFirst()))
        case "CMD-SHELL":
            guard words.count == 2 else {
                throw ImageError.malformedJSON(what: what, reason: "config.Healthcheck.Test CMD-SHELL takes one string")
            }
            test = .shell(words[1])
        case let other?:
            throw ImageError.malformedJSON(
                what: what, reason: "config.Healthcheck.Test starts with \"\(other)\"; expected NONE, CMD or CMD-SHELL")
        }
        func duration(_ nanoseconds: Int64?) -> Duration? {
            guard let nanoseconds, nanoseconds > 0 else { return nil }
            return .nanoseconds(nanoseconds)
        }
        return Healthcheck(
            test: test, interval: duration(document.Interval), timeout: duration(document.Timeout),
            startPeriod: duration(document.StartPeriod), startInterval: duration(document.StartInterval),
            retries: document.Retries.flatMap { $0 > 0 ? $0 : nil })
    }

    /// The document for a freshly imported image.
    init(config: ImageConfig, history: String) {
        created = config.created
        architecture = config.architecture
        os = config.os
        self.config = ContainerConfig(
            User: config.user,
            ExposedPorts: config.exposedPorts.isEmpty
                ? nil : Dictionary(uniqueKeysWithValues: config.exposedPorts.map { ($0.description, Empty()) }),
            Env: config.environment.isEmpty ? nil : config.environment, Entrypoint: config.entrypoint,
            Cmd: config.command,
            Volumes: config.volumes.isEmpty
                ? nil : Dictionary(uniqueKeysWithValues: config.volumes.map { ($0, Empty()) }),
            WorkingDir: config.workingDirectory, Labels: config.labels.isEmpty ? nil : config.labels,
            StopSignal: config.stopSignal, Healthcheck: config.healthcheck.map(HealthDocument.init))
        rootfs = RootFS(type: "layers", diff_ids: config.diffIDs)
        self.history = [History(created: config.created, created_by: history, comment: nil, empty_layer: nil)]
    }
}

extension ConfigDocument.HealthDocument {
    /// The document form of a typed check, so a check set by `--change HEALTHCHECK` is stored.
    init(_ check: Healthcheck) {
        switch check.test {
        case .inherit: Test = nil
        case .disabled: Test = ["NONE"]
        case .command(let words): Test = ["CMD"] + words
        case .shell(let command): Test = ["CMD-SHELL", command]
        }
        func nanoseconds(_ duration: Duration?) -> Int64? {
            guard let duration else { return nil }
            let (seconds, attoseconds) = duration.components
            return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        }
        Interval = nanoseconds(check.interval)
        Timeout = nanoseconds(check.timeout)
        StartPeriod = nanoseconds(check.startPeriod)
        StartInterval = nanoseconds(check.startInterval)
        Retries = check.retries
    }
}
