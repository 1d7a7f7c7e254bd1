import BerthDiagnostics

/// Service `env_file:` resolution: the files' variables go under the service's
/// `environment` (which wins), and `env_file` stays in the tree in long form with absolute
/// paths, so later stages can show and hash the files without re-resolving them.
extension ProjectLoader {
    mutating func resolveServiceEnvFiles(in root: Node, project: Project) throws(DiagnosticsError) -> Node {
        guard var mapping = root.mapping, let servicesEntry = mapping.entry("services"),
            var services = servicesEntry.value.mapping
        else { return root }
        var errors: [Diagnostic] = []
        var changed = false
        for entry in services.entries {
            guard var service = entry.value.mapping else { continue }
            let hasEnvFile = service["env_file"] != nil
            guard hasEnvFile || service["environment"] != nil else { continue }
            do {
                try resolve(&service, name: entry.key, project: project)
                var value = entry.value
                value.kind = .mapping(service)
                services[entry.key, at: entry.keyLocation] = value
                changed = true
            } catch {
                errors.append(contentsOf: error.diagnostics)
            }
        }
        if !errors.isEmpty { throw DiagnosticsError(errors) }
        guard changed else { return root }
        var value = servicesEntry.value
        value.kind = .mapping(services)
        mapping["services", at: servicesEntry.keyLocation] = value
        var result = root
        result.kind = .mapping(mapping)
        return result
    }

    private struct EnvFileReference {
        var path: String
        var required: Bool
        var format: String?
        var location: SourceLocation
        var keyPath: KeyPath
    }

    private mutating func resolve(_ service: inout Mapping, name: String, project: Project) throws(DiagnosticsError) {
        let servicePath = KeyPath(keys: "services", name)
        var environment = Mapping()
        var environmentLocation: SourceLocation?
        var environmentKeyLocation: SourceLocation?
        if let entry = service.entry("environment") {
            environmentLocation = entry.value.location
            environmentKeyLocation = entry.keyLocation
            guard let normalised = Merge.asMapping(entry.value, separators: [0x3D])?.mapping else {
                throw DiagnosticsError(
                    .error(
                        "invalid-environment",
                        "'environment' must be a mapping or a list of KEY=VALUE strings, found \(entry.value.kindName)",
                        at: entry.value.location, path: servicePath.appending("environment")))
            }
            environment = normalised
        }
        guard let envFileEntry = service.entry("env_file") else {
            if let location = environmentKeyLocation, let valueLocation = environmentLocation {
                service["environment", at: location] = Node(.mapping(environment), at: valueLocation)
            }
            return
        }
        let references = try parseReferences(
            envFileEntry.value, path: servicePath.appending("env_file"), project: project)
        var fromFiles = Mapping()
        var longForm: [Node] = []
        for reference in references {
            longForm.append(longFormNode(reference))
            guard reader.isFile(reference.path) else {
                if !reference.required { continue }
                throw DiagnosticsError(
                    .error(
                        "env-file-not-found", "the env file \(reference.path) does not exist",
                        at: reference.location, path: reference.keyPath,
                        hint: "create it, or use the long form with 'required: false' if it is optional"))
            }
            let entries = try envFileEntries(reference, environment: project.environment)
            for entry in entries {
                fromFiles[entry.key, at: entry.location] = Node(
                    .scalar(Scalar(entry.value, style: .doubleQuoted)), at: entry.location)
            }
        }
        // The service's own values win, except a bare `KEY` (null), which only asks for a value.
        var merged = Mapping()
        for entry in fromFiles.entries {
            if let own = environment[entry.key], !own.isNull { continue }
            merged[entry.key, at: entry.keyLocation] = entry.value
        }
        for entry in environment.entries where merged[entry.key] == nil {
            merged[entry.key, at: entry.keyLocation] = entry.value
        }
        service["environment", at: environmentKeyLocation ?? envFileEntry.keyLocation] = Node(
            .mapping(merged), at: environmentLocation ?? envFileEntry.value.location)
        var envFileNode = envFileEntry.value
        envFileNode.kind = .sequence(longForm)
        service["env_file", at: envFileEntry.keyLocation] = envFileNode
    }

    /// Many services often share one env file; it is parsed once per environment.
    private mutating func envFileEntries(
        _ reference: EnvFileReference, environment: [String: String]
    ) throws(DiagnosticsError) -> [EnvFile.Entry] {
        let key = reference.path + "\u{0}" + (reference.format ?? "")
        if let cached = parsedEnvFiles[key], cached.environment == environment { return cached.entries }
        let (fileName, text) = try reader.read(
            reference.path, what: "env file", at: reference.location, path: reference.keyPath)
        let entries: [EnvFile.Entry]
        if reference.format == "raw" {
            entries = Self.rawEntries(text, file: fileName)
        } else {
            entries = try EnvFile.parse(text, file: fileName, lookup: { environment[$0] })
        }
        parsedEnvFiles[key] = (environment, entries)
        return entries
    }

    private func longFormNode(_ reference: EnvFileReference) -> Node {
        let at = reference.location
        var entries = [
            Mapping.Entry(key: "path", keyLocation: at, value: .scalar(reference.path, style: .doubleQuoted, at: at)),
            Mapping.Entry(
                key: "required", keyLocation: at, value: .scalar(reference.required ? "true" : "false", at: at)),
        ]
        if let format = reference.format {
            entries.append(Mapping.Entry(key: "format", keyLocation: at, value: .scalar(format, at: at)))
        }
        return .mapping(entries, at: at)
    }

    private func parseReferences(
        _ node: Node, path: KeyPath, project: Project
    ) throws(DiagnosticsError) -> [EnvFileReference] {
        if node.isNull { return [] }
        let items: [(Node, KeyPath)]
        if node.scalar != nil {
            items = [(node, path)]
        } else if let list = node.sequence {
            items = list.enumerated().map { ($0.element, path.appending(index: $0.offset)) }
        } else {
            throw DiagnosticsError(
                .error(
                    "invalid-env-file", "'env_file' must be a path or a list, found \(node.kindName)",
                    at: node.location,
                    path: path))
        }
        var references: [EnvFileReference] = []
        for (item, itemPath) in items {
            if let text = item.string {
                references.append(
                    EnvFileReference(
                        path: Paths.absolute(text, relativeTo: project.directory), required: true, format: nil,
                        location: item.location, keyPath: itemPath))
                continue
            }
            guard let m = item.mapping else {
                throw DiagnosticsError(
                    .error(
                        "invalid-env-file", "an 'env_file' entry must be a path or a mapping, found \(item.kindName)",
                        at: item.location, path: itemPath))
            }
            try m.rejectUnknownOptions(
                known: ["path", "required", "format"], of: "env_file", at: itemPath,
                fallbackHint: "known options: path, required, format")
            guard let text = m["path"]?.string else {
                throw DiagnosticsError(
                    .error(
                        "invalid-env-file", "this env_file entry has no 'path'", at: item.location, path: itemPath,
                        hint: "write - path: ./app.env"))
            }
            var required = true
            if let node = m["required"] {
                guard let flag = node.scalar?.bool else {
                    throw DiagnosticsError(
                        .error(
                            "invalid-env-file", "'required' must be true or false", at: node.location,
                            path: itemPath.appending("required")))
                }
                required = flag
            }
            var format: String?
            if let node = m["format"] {
                guard let text = node.string, text == "raw" else {
                    throw DiagnosticsError(
                        .error(
                            "invalid-env-file", "unsupported env_file format '\(node.string ?? node.kindName)'",
                            at: node.location, path: itemPath.appending("format"),
                            hint: "the only format is 'raw' (values taken literally); omit it for the dotenv format"))
                }
                format = text
            }
            references.append(
                EnvFileReference(
                    path: Paths.absolute(text, relativeTo: project.directory), required: required, format: format,
                    location: item.location, keyPath: itemPath))
        }
        return references
    }

    /// `format: raw`: `KEY=VALUE` lines taken literally (no quotes, escapes or interpolation).
    static func rawEntries(_ text: String, file: String) -> [EnvFile.Entry] {
        var entries: [EnvFile.Entry] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.hasSuffix("\r") ? line.dropLast() : line
            if content.isEmpty || content.hasPrefix("#") { continue }
            guard let eq = content.firstIndex(of: "=") else { continue }
            entries.append(
                EnvFile.Entry(
                    key: String(content[..<eq]), value: String(content[content.index(after: eq)...]),
                    location: SourceLocation(file: file, line: i + 1, column: 1)))
        }
        return entries
    }
}
