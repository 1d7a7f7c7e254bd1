import BerthDiagnostics

/// `include:`: each entry is loaded as a project of its own (its own directory, `.env` and
/// relative paths) and its resources are copied in. A resource defined both here and in
/// an included project is an error unless both definitions are identical, as in compose.
extension ProjectLoader {
    static let resourceSections = ["services", "networks", "volumes", "configs", "secrets"]

    mutating func applyIncludes(to root: Node, project: Project) throws(DiagnosticsError) -> Node {
        guard var mapping = root.mapping, let include = mapping.entry("include") else { return root }
        mapping.removeValue(forKey: "include")
        var result = root
        result.kind = .mapping(mapping)
        if include.value.isNull { return result }
        guard let items = include.value.sequence else {
            throw DiagnosticsError(
                .error(
                    "invalid-include", "'include' must be a list, found \(include.value.kindName)",
                    at: include.value.location, path: KeyPath(keys: "include"),
                    hint: "write each included file as a list item: include: [other/compose.yaml]"))
        }
        var errors: [Diagnostic] = []
        for (i, item) in items.enumerated() {
            let path = KeyPath(keys: "include").appending(index: i)
            do {
                let request = try IncludeRequest(item, path: path, baseDirectory: project.directory)
                let included = try loadIncluded(request, path: path, project: project)
                result = try importResources(from: included, into: result, path: path)
            } catch {
                errors.append(contentsOf: error.diagnostics)
            }
        }
        if !errors.isEmpty { throw DiagnosticsError(errors) }
        return result
    }

    private mutating func loadIncluded(
        _ request: IncludeRequest, path: KeyPath, project: Project
    ) throws(DiagnosticsError) -> Node {
        let chain = project.includeChain + project.files
        for (file, location) in request.remote {
            throw DiagnosticsError(
                .error(
                    "remote-include", "including a remote compose file (\(file)) is not supported", at: location,
                    path: path, hint: "download the file and include it by its local path"))
        }
        for (file, location) in request.files where chain.contains(file) {
            let names = (chain.drop { $0 != file } + [file]).map(reader.displayName)
            throw DiagnosticsError(
                .error(
                    "include-cycle", "include cycle: \(names.joined(separator: " → "))", at: location, path: path,
                    hint: "a compose file cannot include itself, directly or through other files"))
        }
        for (file, location) in request.files where !reader.isFile(file) {
            throw DiagnosticsError(
                .error(
                    "file-not-found", "the included file \(file) does not exist", at: location, path: path,
                    hint: "paths in 'include' are relative to \(project.directory)"))
        }
        let directory = request.projectDirectory ?? Paths.directory(of: request.files.first?.path ?? project.directory)
        var envFiles = request.envFiles
        if envFiles.isEmpty {
            let dotEnv = Paths.absolute(".env", relativeTo: directory)
            if reader.isFile(dotEnv) { envFiles = [(dotEnv, nil)] }
        }
        let fileValues = try readEnvFiles(envFiles, lookup: project.environment, path: path)
        // Variables of the including project win over the included project's own files.
        let environment = fileValues.merging(project.environment) { _, outer in outer }
        let sub = Project(
            files: request.files.map(\.path), directory: directory, environment: environment, includeChain: chain,
            absolutePaths: true)
        return try load(sub)
    }

    private func importResources(from included: Node, into root: Node, path: KeyPath) throws(DiagnosticsError) -> Node {
        guard var mapping = root.mapping, let imported = included.mapping else { return root }
        var errors: [Diagnostic] = []
        for section in Self.resourceSections {
            guard let incoming = imported.entry(section), let incomingResources = incoming.value.mapping else {
                continue
            }
            let existingEntry = mapping.entry(section)
            var resources = existingEntry?.value.mapping ?? Mapping()
            for resource in incomingResources.entries {
                if let present = resources.entry(resource.key) {
                    if Merge.identity(present.value) == Merge.identity(resource.value) { continue }
                    let kind = String(section.dropLast())
                    errors.append(
                        .error(
                            "include-conflict",
                            "\(kind) '\(resource.key)' is defined both at \(present.keyLocation) and in the included "
                                + "file at \(resource.keyLocation)",
                            at: present.keyLocation, path: KeyPath(keys: section, resource.key),
                            hint: "rename one of them; included resources are not merged",
                            notes: [.init("the included definition", at: resource.keyLocation)]))
                    continue
                }
                resources[resource.key, at: resource.keyLocation] = resource.value
            }
            var value = existingEntry?.value ?? Node(.mapping(Mapping()), at: incoming.value.location)
            value.kind = .mapping(resources)
            mapping[section, at: existingEntry?.keyLocation ?? incoming.keyLocation] = value
        }
        if !errors.isEmpty { throw DiagnosticsError(errors) }
        var result = root
        result.kind = .mapping(mapping)
        return result
    }

    /// Reads dotenv files in order (later ones win); each file's `${VAR}` see `lookup` first,
    /// then values of the files read before it, as compose does.
    mutating func readEnvFiles(
        _ files: [(path: String, location: SourceLocation?)], lookup: [String: String], path: KeyPath?
    ) throws(DiagnosticsError) -> [String: String] {
        var values: [String: String] = [:]
        for (file, location) in files {
            let (name, text) = try reader.read(
                file, what: "env file", at: location, path: path, hint: "create it, or remove it from the list")
            let entries = try EnvFile.parse(text, file: name, lookup: { lookup[$0] ?? values[$0] })
            for entry in entries { values[entry.key] = entry.value }
        }
        return values
    }
}

/// One `include` entry, short (`- path`) or long (`path`, `project_directory`, `env_file`).
private struct IncludeRequest {
    var files: [(path: String, location: SourceLocation)] = []
    /// `oci://`, `git@...`, `https://...`: compose can fetch these; berth reads local files only.
    var remote: [(path: String, location: SourceLocation)] = []
    var projectDirectory: String?
    var envFiles: [(path: String, location: SourceLocation?)] = []

    init(_ node: Node, path: KeyPath, baseDirectory: String) throws(DiagnosticsError) {
        func strings(_ node: Node, _ key: String) throws(DiagnosticsError) -> [(String, SourceLocation)] {
            if let text = node.string { return [(text, node.location)] }
            if let items = node.sequence {
                var out: [(String, SourceLocation)] = []
                for item in items {
                    guard let text = item.string else {
                        throw DiagnosticsError(
                            .error(
                                "invalid-include", "'\(key)' entries must be paths, found \(item.kindName)",
                                at: item.location, path: path.appending(key)))
                    }
                    out.append((text, item.location))
                }
                return out
            }
            throw DiagnosticsError(
                .error(
                    "invalid-include", "'\(key)' must be a path or a list of paths, found \(node.kindName)",
                    at: node.location, path: path.appending(key)))
        }
        if let text = node.string {
            add([(text, node.location)], baseDirectory)
            return
        }
        guard let mapping = node.mapping else {
            throw DiagnosticsError(
                .error(
                    "invalid-include", "an include entry must be a path or a mapping, found \(node.kindName)",
                    at: node.location, path: path))
        }
        let known = ["path", "project_directory", "env_file"]
        for entry in mapping.entries where !known.contains(entry.key) && !entry.key.hasPrefix("x-") {
            throw DiagnosticsError(
                .error(
                    "unknown-key", "unknown include option '\(entry.key)'", at: entry.keyLocation,
                    path: path.appending(entry.key),
                    hint: Suggestions.hint(for: entry.key, in: known)
                        ?? "known options: \(known.joined(separator: ", "))"))
        }
        guard let pathNode = mapping["path"] else {
            throw DiagnosticsError(
                .error(
                    "invalid-include", "this include entry has no 'path'", at: node.location, path: path,
                    hint: "add path: <compose file>"))
        }
        add(try strings(pathNode, "path"), baseDirectory)
        if files.isEmpty && remote.isEmpty {
            throw DiagnosticsError(
                .error("invalid-include", "'path' lists no file", at: pathNode.location, path: path.appending("path")))
        }
        if let directory = mapping["project_directory"] {
            guard let text = directory.string else {
                throw DiagnosticsError(
                    .error(
                        "invalid-include", "'project_directory' must be a path", at: directory.location,
                        path: path.appending("project_directory")))
            }
            projectDirectory = Paths.absolute(text, relativeTo: baseDirectory)
        }
        if let envFile = mapping["env_file"] {
            envFiles = try strings(envFile, "env_file").map { (Paths.absolute($0.0, relativeTo: baseDirectory), $0.1) }
        }
    }

    private mutating func add(_ paths: [(String, SourceLocation)], _ baseDirectory: String) {
        for (text, location) in paths {
            if Rebase.isRemote(text) {
                remote.append((text, location))
            } else {
                files.append((Paths.absolute(text, relativeTo: baseDirectory), location))
            }
        }
    }
}
