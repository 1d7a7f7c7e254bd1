import BerthDiagnostics
import BerthStackFile

/// Turns a loaded stack into a `Topology`, or explains everything that is wrong with it.
public enum TopologyBuilder {
    static let topLevelKeys: Set<String> = ["version", "name", "services", "networks", "volumes", "configs", "secrets"]
    static let unsupportedTopLevel: [String: String] = [
        "include": "'include' should have been resolved while loading; this is a berth bug",
        "models": "AI model resources are not implemented",
    ]

    /// Reports every problem of the stack in one run (the loader's warnings included).
    /// The topology is nil when any diagnostic is an error.
    public static func build(_ stack: LoadedStack) -> (topology: Topology?, diagnostics: [Diagnostic]) {
        let ctx = ParseContext(environment: stack.environment, projectDirectory: stack.projectDirectory)
        let topology = build(stack, ctx)
        var bag = DiagnosticBag()
        bag.add(contentsOf: stack.warnings)
        bag.add(contentsOf: ctx.diagnostics)
        return (bag.hasErrors ? nil : topology, bag.sorted)
    }

    private static func build(_ stack: LoadedStack, _ ctx: ParseContext) -> Topology? {
        let rootPath = KeyPath.root
        guard let root = ctx.mapping(stack.root, rootPath) else { return nil }
        ctx.checkKeys(root, rootPath, allowed: topLevelKeys, unsupported: unsupportedTopLevel, what: "the stack file")
        if let v = root.entry("version") {
            ctx.warning(
                "obsolete-version", "the top-level 'version' is obsolete and ignored", at: v.keyLocation,
                rootPath.appending("version"), hint: "remove it")
        }
        if let n = root["name"], !n.isNull { _ = ctx.text(n, rootPath.appending("name")) }
        let project: ProjectName
        do {
            project = try ProjectName(parsing: stack.projectName)
        } catch {
            ctx.error(
                "invalid-project-name", error.message, at: root.entry("name")?.value.location,
                rootPath.appending("name"),
                hint: error.hint)
            project = ProjectName(unchecked: "invalid")
        }
        let p = project.rawValue

        var networks: [String: Network] = [:]
        var networkSites: [String: Network.Sites] = [:]
        for e in section(root, "networks", ctx) {
            if let (n, s) = Network.parse(key: e.key, node: e.value, keyLocation: e.keyLocation, project: p, ctx) {
                networks[e.key] = n
                networkSites[e.key] = s
            }
        }
        var volumes: [String: Volume] = [:]
        for e in section(root, "volumes", ctx) {
            if let v = Volume.parse(key: e.key, node: e.value, project: p, ctx) { volumes[e.key] = v }
        }
        var configs: [String: FileResource] = [:]
        for e in section(root, "configs", ctx) {
            if let c = FileResource.parse(key: e.key, node: e.value, secret: false, project: p, ctx) {
                configs[e.key] = c
            }
        }
        var secrets: [String: FileResource] = [:]
        for e in section(root, "secrets", ctx) {
            if let c = FileResource.parse(key: e.key, node: e.value, secret: true, project: p, ctx) {
                secrets[e.key] = c
            }
        }
        for (key, what) in [
            ("volumes", "volume"), ("configs", "config"), ("secrets", "secret"), ("networks", "network"),
        ] {
            for e in section(root, key, ctx, report: false) {
                do { try VolumeName.check(e.key) } catch {
                    ctx.error(
                        "invalid-name", "'\(e.key)' is not a valid \(what) name", at: e.keyLocation,
                        KeyPath(keys: key, e.key),
                        hint: "use letters, digits, '_', '.' and '-'")
                }
            }
        }
        checkResourceNames(root, networks: networks, volumes: volumes, configs: configs, secrets: secrets, ctx)

        let everyProfile = stack.activeProfiles.contains("*")
        let active = Set(stack.activeProfiles)
        var parsed: [Service] = []
        var sites: [String: ServiceSite] = [:]
        var disabled: [Service] = []
        let serviceEntries = section(root, "services", ctx)
        if root["services"] == nil || serviceEntries.isEmpty, ctx.errorCount == 0 {
            ctx.error(
                "no-services", "the stack defines no services",
                at: root.entry("services")?.keyLocation ?? stack.root.location,
                rootPath.appending("services"), hint: "add a 'services:' section with at least one service")
        }
        parsed.reserveCapacity(serviceEntries.count)
        // Parsing in name order leaves the services sorted without moving large values.
        for e in serviceEntries.sorted(by: { $0.key < $1.key }) {
            let path = KeyPath(keys: "services", e.key)
            let name: ServiceName
            do { name = try ServiceName(parsing: e.key) } catch {
                ctx.error("invalid-name", error.message, at: e.keyLocation, path, hint: error.hint)
                continue
            }
            let written = e.value.mapping?["profiles"]?.sequence?.compactMap(\.string) ?? []
            let inactive = !written.isEmpty && !everyProfile && !written.contains(where: active.contains)
            guard
                let (candidate, site) = ServiceParser.parse(
                    name: name, node: e.value, path: path, nameLocation: e.keyLocation, ctx, inactive: inactive)
            else { continue }
            var service = candidate
            if service.profiles.isEmpty || everyProfile || service.profiles.contains(where: active.contains) {
                if service.networks.isEmpty, service.networkMode == nil {
                    service.networks["default"] = NetworkAttachment()
                }
                sites[e.key] = site
                parsed.append(service)
            } else {
                disabled.append(service)
            }
        }

        // The implicit default network exists exactly when a service uses it.
        let usesDefault = parsed.contains { $0.networks["default"] != nil }
        if usesDefault, networks["default"] == nil {
            networks["default"] = Network(key: "default", name: "\(p)_default")
        } else if !usesDefault {
            networks["default"] = nil
        }

        // `consume` hands the array over, so dropping a dependency does not copy every service.
        var graph = GraphChecks(
            ctx: ctx, root: root, services: consume parsed, sites: sites, disabled: disabled, networks: networks,
            networkSites: networkSites, volumes: volumes, configs: configs, secrets: secrets)
        graph.run()
        var enabled = graph.services
        ContainerNameLimits.check(enabled, project: p, sites: sites, ctx)

        var digests = ContentDigests()
        for i in enabled.indices {
            recordDigests(&enabled[i], sites[enabled[i].name.rawValue], configs, secrets, &digests, ctx)
        }
        checkReadable(root, enabled, configs, secrets, &digests, ctx)

        return Topology(
            name: project, projectDirectory: stack.projectDirectory, services: enabled,
            networks: networks.values.sorted { $0.key < $1.key }, volumes: volumes.values.sorted { $0.key < $1.key },
            configs: configs.values.sorted { $0.key < $1.key }, secrets: secrets.values.sorted { $0.key < $1.key },
            disabledServices: disabled, extensions: ctx.extensions(root))
    }

    /// The name each volume, network, config and secret gets on the host (its `name:`, or
    /// `PROJECT_KEY`) becomes a file name under berth's root, so it must pass docker's rule
    /// before anything is created: `name: ../../victim` would otherwise make `down -v` delete a
    /// directory outside the root.
    private static func checkResourceNames(
        _ root: Mapping, networks: [String: Network], volumes: [String: Volume], configs: [String: FileResource],
        secrets: [String: FileResource], _ ctx: ParseContext
    ) {
        let named: [(String, String, [(String, String)])] = [
            ("networks", "network", networks.map { ($0.key, $0.value.name) }),
            ("volumes", "volume", volumes.map { ($0.key, $0.value.name) }),
            ("configs", "config", configs.map { ($0.key, $0.value.name) }),
            ("secrets", "secret", secrets.map { ($0.key, $0.value.name) }),
        ]
        for (section, kind, entries) in named {
            // A key that breaks compose's own rule is reported once, by the key check.
            for (key, name) in entries.sorted(by: { $0.0 < $1.0 }) where Names.isKey(key) {
                do { try ResourceName.check(name, kind: kind) } catch {
                    let entry = root[section]?.mapping?.entry(key)
                    if let written = entry?.value.mapping?.entry("name") {
                        ctx.error(
                            "invalid-name", error.message, at: written.value.location,
                            KeyPath(keys: section, key, "name"), hint: error.hint)
                    } else {
                        let derived = name == key ? "" : " (the project name joined to the key '\(key)')"
                        ctx.error(
                            "invalid-name", error.message + derived, at: entry?.keyLocation,
                            KeyPath(keys: section, key), hint: error.hint)
                    }
                }
            }
        }
    }

    /// The entries of a top-level section, in file order; a null section is empty.
    private static func section(_ root: Mapping, _ key: String, _ ctx: ParseContext, report: Bool = true)
        -> [Mapping.Entry]
    {
        guard let node = root[key], !node.isNull else { return [] }
        if let m = node.mapping { return m.entries }
        if report { ctx.typeError(node, KeyPath(keys: key), expected: "a mapping") }
        return []
    }

    /// A config or secret file that a service uses must exist now, not fail at `up`.
    private static func checkReadable(
        _ root: Mapping, _ services: [Service], _ configs: [String: FileResource], _ secrets: [String: FileResource],
        _ digests: inout ContentDigests, _ ctx: ParseContext
    ) {
        let usedConfigs = Set(services.flatMap { $0.configs.map(\.source) })
        let usedSecrets = Set(services.flatMap { $0.secrets.map(\.source) })
        for (section, used, table) in [("configs", usedConfigs, configs), ("secrets", usedSecrets, secrets)] {
            for key in used.sorted() {
                guard let r = table[key], case .file(let path) = r.source, digests.file(path) == nil else { continue }
                ctx.error(
                    "missing-file", "\(section.dropLast()) '\(key)' reads '\(path)', which cannot be read",
                    at: root[section]?[key]?["file"]?.location, KeyPath(keys: section, key, "file"),
                    hint: "create the file or fix the path (relative paths start at the project directory)")
            }
        }
    }

    private static func recordDigests(
        _ service: inout Service, _ site: ServiceSite?, _ configs: [String: FileResource],
        _ secrets: [String: FileResource], _ digests: inout ContentDigests, _ ctx: ParseContext
    ) {
        for (i, f) in service.envFiles.enumerated() {
            if let d = digests.file(f.path) {
                service.contentDigests["env_file[\(i)].content"] = d
            } else if f.required {
                ctx.error(
                    "missing-file", "env file '\(f.path)' of service '\(service.name)' cannot be read",
                    at: site?.nameLocation, KeyPath(keys: "services", service.name.rawValue, "env_file"),
                    hint: "create the file, or mark it 'required: false'")
            }
        }
        for (kind, refs, table) in [("configs", service.configs, configs), ("secrets", service.secrets, secrets)] {
            for (i, ref) in refs.enumerated() {
                guard let resource = table[ref.source],
                    let d = digests.digest(of: resource, environment: ctx.environment)
                else { continue }
                service.contentDigests["\(kind)[\(i)].content"] = d
            }
        }
    }
}

extension ProjectName {
    init(unchecked: String) { self.rawValue = unchecked }
}
