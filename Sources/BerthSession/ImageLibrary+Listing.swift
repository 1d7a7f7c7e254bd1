import BerthImage

/// One stored name of an image (`image ls`), docker's field names.
public struct ImageListing: Encodable, Sendable {
    public var Repository: String
    public var Tag: String
    public var ID: String
    public var Digest: String
    public var Created: String
    public var Size: Int64
}

/// An image in detail (`image inspect`), docker's field names where docker has the field.
public struct ImageDetails: Encodable, Sendable {
    public struct Config: Encodable, Sendable {
        public var User: String?
        public var Env: [String]
        public var Entrypoint: [String]?
        public var Cmd: [String]?
        public var WorkingDir: String?
        public var ExposedPorts: [String]
        public var Volumes: [String]
        public var Labels: [String: String]
        public var StopSignal: String?
        public var Healthcheck: Health?
    }

    public struct Health: Encodable, Sendable {
        public var Test: [String]
        public var IntervalSeconds: Double?
        public var TimeoutSeconds: Double?
        public var StartPeriodSeconds: Double?
        public var Retries: Int?
    }

    public var Id: String
    public var RepoTags: [String]
    public var ManifestDigest: String
    public var Created: String?
    public var Architecture: String
    public var Os: String
    public var Size: Int64
    public var Config: Config
    public var DiffIDs: [String]
    public var LayerDirectories: [String]
}

extension ImageLibrary {
    /// Every stored name, with the image it points at.
    public func list() throws -> [ImageListing] {
        try store.list().map { summary in
            ImageListing(
                Repository: summary.reference?.familiarRepository ?? "<none>", Tag: summary.reference?.tag ?? "<none>",
                ID: summary.id.description, Digest: summary.manifestDigest.description, Created: summary.created ?? "",
                Size: summary.size)
        }
    }

    /// The images named (by name, ID or digest), in that order.
    public func inspect(_ names: [String]) throws -> [ImageDetails] {
        let summaries = try store.list()
        return try names.map { text in
            let image = try store.image(matching: text)
            let tags = summaries.filter { $0.manifestDigest == image.manifestDigest }.compactMap {
                $0.reference?.description
            }
            let config = image.config
            return ImageDetails(
                Id: image.id.description, RepoTags: tags.sorted(), ManifestDigest: image.manifestDigest.description,
                Created: config.created, Architecture: config.architecture, Os: config.os, Size: image.size,
                Config: .init(
                    User: config.user, Env: config.environment, Entrypoint: config.entrypoint, Cmd: config.command,
                    WorkingDir: config.workingDirectory, ExposedPorts: config.exposedPorts.map(\.description),
                    Volumes: config.volumes, Labels: config.labels, StopSignal: config.stopSignal,
                    Healthcheck: config.healthcheck.map(Self.health)),
                DiffIDs: config.diffIDs.map(\.description), LayerDirectories: image.layerDirectories)
        }
    }

    static func health(_ check: Healthcheck) -> ImageDetails.Health {
        let test: [String]
        switch check.test {
        case .inherit: test = []
        case .disabled: test = ["NONE"]
        case .command(let words): test = ["CMD"] + words
        case .shell(let line): test = ["CMD-SHELL", line]
        }
        func seconds(_ duration: Duration?) -> Double? {
            duration.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        }
        return ImageDetails.Health(
            Test: test, IntervalSeconds: seconds(check.interval), TimeoutSeconds: seconds(check.timeout),
            StartPeriodSeconds: seconds(check.startPeriod), Retries: check.retries)
    }
}
