import BerthDiagnostics
import Foundation

/// `extends`: a service starts from another service's definition (in the same document or
/// in another file) and merges its own keys over it with the usual merge rules. Resolved
/// after the project's files are merged, so a service may extend one defined in any of them.
extension ProjectLoader {
    /// Where a service definition was read from: the project's merged document, or a file.
    struct ServiceSource: Hashable {
        /// nil for the project's merged document.
        var file: String?
        var directory: String
    }

    private struct Link: Equatable {
        var file: String?
        var service: String
    }

    mutating func resolveExtends(in root: Node, project: Project) throws(DiagnosticsError) -> Node {
        guard var mapping = root.mapping, let servicesEntry = mapping.entry("services"),
            var services = servicesEntry.value.mapping,
            services.entries.contains(where: { $0.value["extends"] != nil })
        else { return root }
        let source = ServiceSource(file: nil, directory: project.directory)
        var cache: [String: Node] = [:]
        var inCycle: Set<String> = []
        var errors: [Diagnostic] = []
        let original = services
        for entry in original.entries where entry.value["extends"] != nil {
            // A cycle is reported once, not once per service on it.
            if inCycle.contains(entry.key) { continue }
            do {
                let resolved = try resolve(
                    entry.key, in: original, source: source, chain: [], cache: &cache, inCycle: &inCycle,
                    project: project)
                services[entry.key, at: entry.keyLocation] = resolved
            } catch {
                errors.append(contentsOf: error.diagnostics)
            }
        }
        if !errors.isEmpty { throw DiagnosticsError(errors) }
        var value = servicesEntry.value
        value.kind = .mapping(services)
        mapping["services", at: servicesEntry.keyLocation] = value
        var result = root
        result.kind = .mapping(mapping)
        return result
    }

    private mutating func resolve(
        _ name: String, in services: Mapping, source: ServiceSource, chain: [Link], cache: inout [String: Node],
        inCycle: inout Set<String>, project: Project
    ) throws(DiagnosticsError) -> Node {
        let cacheKey = (source.file ?? "") + "\u{0}" + name
        if let done = cache[cacheKey] { return done }
        guard let service = services[name], var local = service.mapping, let extendsEntry = local.entry("extends")
        else {
            return services[name] ?? Node(.mapping(Mapping()), at: SourceLocation(file: "", line: 1, column: 1))
        }
        let path = KeyPath(keys: "services", name, "extends")
        let target = try ExtendsTarget(extendsEntry.value, path: path)
        var baseServices = services
        var baseSource = source
        if let file = target.file {
            if Rebase.isRemote(file.text) {
                throw DiagnosticsError(
                    .error(
                        "remote-extends", "extending a service from a remote file (\(file.text)) is not supported",
                        at: extendsEntry.keyLocation, path: path.appending("file"),
                        hint: "download the file and name it by its local path"))
            }
            let absolute = Paths.absolute(file.text, relativeTo: source.directory)
            if !reader.isFile(absolute) {
                let directory = Paths.directory(of: absolute)
                let siblings = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                throw DiagnosticsError(
                    .error(
                        "extends-file-not-found",
                        "service '\(name)' extends a service in \(absolute), which does not exist",
                        at: extendsEntry.keyLocation, path: path.appending("file"),
                        hint: Suggestions.hint(for: Paths.basename(absolute), in: siblings.sorted())
                            ?? "'file' is relative to the directory of the file that declares 'extends'"))
            }
            let document = try loadFile(
                absolute, environment: project.environment, requestedAt: file.location, path: path.appending("file"))
            baseServices = document["services"]?.mapping ?? Mapping()
            baseSource = ServiceSource(file: absolute, directory: Paths.directory(of: absolute))
        }
        let link = Link(file: baseSource.file, service: target.service)
        let here = Link(file: source.file, service: name)
        if chain.contains(link) || link == here {
            let members = chain.drop { $0 != link } + [here]
            for member in members where member.file == nil { inCycle.insert(member.service) }
            let cycle = (members + [link]).map(describe)
            throw DiagnosticsError(
                .error(
                    "extends-cycle", "'extends' forms a cycle: \(cycle.joined(separator: " → "))",
                    at: extendsEntry.keyLocation, path: path,
                    hint: "a service cannot extend itself, directly or through other services"))
        }
        guard baseServices[target.service] != nil else {
            let whereText = baseSource.file.map { "in \(reader.displayName($0))" } ?? "in this project"
            throw DiagnosticsError(
                .error(
                    "extends-unknown-service",
                    "service '\(name)' extends '\(target.service)', which is not defined \(whereText)",
                    at: extendsEntry.keyLocation, path: path.appending("service"),
                    hint: Suggestions.hint(for: target.service, in: baseServices.keys)))
        }
        var base = try resolve(
            target.service, in: baseServices, source: baseSource, chain: chain + [here], cache: &cache,
            inCycle: &inCycle, project: project)
        if baseSource.directory != source.directory {
            base = Rebase.service(base, from: baseSource.directory)
        }
        // Dependencies on other services are never inherited: they would point at services
        // of the base's project, and a reader of this service could not see them.
        if var baseMapping = base.mapping {
            baseMapping.removeValue(forKey: "depends_on")
            baseMapping.removeValue(forKey: "volumes_from")
            base.kind = .mapping(baseMapping)
        }
        local.removeValue(forKey: "extends")
        var localNode = service
        localNode.kind = .mapping(local)
        var merged = Merge.service(base, localNode)
        // The merged service sits where the extending service is written.
        merged.location = service.location
        cache[cacheKey] = merged
        return merged
    }

    private func describe(_ link: Link) -> String {
        guard let file = link.file else { return link.service }
        return "\(reader.displayName(file)):\(link.service)"
    }
}

/// `extends: name` or `extends: {service: name, file: path}`.
private struct ExtendsTarget {
    var service: String
    var file: (text: String, location: SourceLocation)?

    init(_ node: Node, path: KeyPath) throws(DiagnosticsError) {
        if let text = node.string {
            service = text
            return
        }
        guard let mapping = node.mapping else {
            throw DiagnosticsError(
                .error(
                    "invalid-extends", "'extends' must be a service name or a mapping, found \(node.kindName)",
                    at: node.location, path: path, hint: "write extends: {service: base, file: common.yaml}"))
        }
        try mapping.rejectUnknownOptions(
            known: ["service", "file"], of: "'extends'", at: path,
            fallbackHint: "'extends' accepts 'service' and 'file'")
        guard let name = mapping["service"]?.string else {
            throw DiagnosticsError(
                .error(
                    "invalid-extends", "'extends' needs a 'service' name", at: node.location, path: path,
                    hint: "write extends: {service: base}"))
        }
        service = name
        if let fileNode = mapping["file"] {
            guard let text = fileNode.string else {
                throw DiagnosticsError(
                    .error(
                        "invalid-extends", "'extends.file' must be a path, found \(fileNode.kindName)",
                        at: fileNode.location, path: path.appending("file")))
            }
            file = (text, fileNode.location)
        }
    }
}
