import BerthModel

extension DesiredState {
    /// The planner's view of a validated topology. `imageDigests` maps a service's image
    /// reference to the content digest it resolves to now (from the image store), so a
    /// re-pushed tag shows up as "image digest changed"; unknown images are left out.
    public init(topology: Topology, imageDigests: [String: String] = [:]) {
        let networkNames = Dictionary(uniqueKeysWithValues: topology.networks.map { ($0.key, $0.name) })
        let volumeNames = Dictionary(uniqueKeysWithValues: topology.volumes.map { ($0.key, $0.name) })
        self.init(
            project: topology.name.rawValue,
            services: topology.services.map { service in
                DesiredService(
                    service, networkNames: networkNames, volumeNames: volumeNames,
                    imageDigest: service.image.flatMap { imageDigests[$0] },
                    template: ContainerTemplate(service, in: topology))
            },
            networks: topology.networks.filter { !$0.external }.map { network in
                DesiredNetwork(
                    name: network.name, definition: Definition(fields: network.canonicalFields), model: network)
            },
            volumes: topology.volumes.map { volume in
                DesiredVolume(
                    name: volume.name, definition: Definition(fields: volume.canonicalFields),
                    external: volume.external,
                    model: volume)
            })
    }
}

extension DesiredService {
    init(
        _ service: Service, networkNames: [String: String], volumeNames: [String: String], imageDigest: String?,
        template: ContainerTemplate
    ) {
        // Content digests travel separately from the definition so a plan can say
        // "env_file .env.web changed" instead of quoting two hashes.
        var fields: [Definition.Field] = []
        var digests: [ContentKey: String] = [:]
        let contentKeys = Self.contentKeys(of: service)
        for (path, value) in service.canonicalFields {
            if let key = contentKeys[path] {
                digests[key] = value
            } else {
                fields.append(Definition.Field(path: path, value: value))
            }
        }
        if let image = service.image, let imageDigest { digests[ContentKey(.image, image)] = imageDigest }
        let update = service.deploy?.updateConfig
        let healthcheck = service.healthcheck
        self.init(
            name: service.name.rawValue,
            replicas: service.replicas,
            containerName: service.containerName,
            dependsOn: service.dependsOn.keys.sorted().compactMap { name in
                service.dependsOn[name].map { dependency in
                    Dependency(
                        name, condition: Dependency.Condition(dependency.condition), restart: dependency.restart,
                        required: dependency.required)
                }
            },
            networks: service.networks.keys.sorted().compactMap { networkNames[$0] },
            volumes: service.volumes.compactMap { mount in
                mount.kind == .volume ? mount.source.flatMap { volumeNames[$0] } : nil
            },
            updateOrder: update?.order == .startFirst ? .startFirst : .stopFirst,
            failureAction: FailureAction(update?.failureAction),
            hasHealthcheck: healthcheck.map { !$0.disabled && $0.test != nil }
                ?? false,
            definition: Definition(fields),
            contentDigests: digests, template: template)
    }

    /// Which canonical field paths are content digests, and what they are digests of.
    static func contentKeys(of service: Service) -> [String: ContentKey] {
        var keys: [String: ContentKey] = [:]
        for (i, file) in service.envFiles.enumerated() {
            keys["env_file[\(i)].content"] = ContentKey(.envFile, file.path)
        }
        for (i, config) in service.configs.enumerated() {
            keys["configs[\(i)].content"] = ContentKey(.config, config.source)
        }
        for (i, secret) in service.secrets.enumerated() {
            keys["secrets[\(i)].content"] = ContentKey(.secret, secret.source)
        }
        return keys
    }
}

extension Definition {
    init(fields: [(path: String, value: String)]) {
        self.init(fields.map { Field(path: $0.path, value: $0.value) })
    }
}

extension Dependency.Condition {
    init(_ condition: BerthModel.Dependency.Condition) {
        switch condition {
        case .started: self = .started
        case .healthy: self = .healthy
        case .completedSuccessfully: self = .completedSuccessfully
        }
    }
}

extension FailureAction {
    init(_ action: Deploy.UpdateConfig.FailureAction?) {
        switch action {
        case .rollback: self = .rollback
        case .continue: self = .continue
        case .pause, nil: self = .pause
        }
    }
}
