import BerthDiagnostics

/// Loads one compose project (the main one, or an `include`d sub-project) from its files:
/// parse and interpolate each file, merge them in order, then resolve `include`,
/// `extends` and service `env_file`s. Shared state (files read, warnings) lives here so
/// sub-projects report into the same run.
struct ProjectLoader {
    var reader: FileReader
    var warnings: [Diagnostic] = []
    /// Parsed and interpolated files by absolute path (with the environment used), so a
    /// file named by several `extends` is read and warned about once.
    var parsedFiles: [String: (environment: [String: String], node: Node)] = [:]
    /// Service env files already parsed, by path and format (with the environment used).
    var parsedEnvFiles: [String: (environment: [String: String], entries: [EnvFile.Entry])] = [:]

    init(reader: FileReader) {
        self.reader = reader
    }

    /// One project's inputs.
    struct Project {
        var files: [String]
        var directory: String
        var environment: [String: String]
        /// Absolute paths of the compose files that include this project, outermost first.
        var includeChain: [String]
        /// Included projects have their relative paths made absolute.
        var absolutePaths: Bool
    }

    mutating func load(_ project: Project) throws(DiagnosticsError) -> Node {
        var merged: Node?
        var errors: [Diagnostic] = []
        for file in project.files {
            do {
                let node = try loadFile(file, environment: project.environment, requestedAt: nil)
                merged = merged.map { Merge.documents($0, node) } ?? node
            } catch {
                errors.append(contentsOf: error.diagnostics)
            }
        }
        if !errors.isEmpty { throw DiagnosticsError(errors) }
        let start = SourceLocation(
            file: reader.displayName(project.files.first ?? project.directory), line: 1, column: 1)
        var root = merged ?? Node(.mapping(Mapping()), at: start)
        root = try applyIncludes(to: root, project: project)
        root = try resolveExtends(in: root, project: project)
        root = Merge.stripTags(root)
        root = try resolveServiceEnvFiles(in: root, project: project)
        if project.absolutePaths { root = rebaseResources(root, from: project.directory) }
        return root
    }

    /// Parses and interpolates one compose file; the result is always a mapping.
    mutating func loadFile(
        _ absolute: String, environment: [String: String], requestedAt: SourceLocation?, path: KeyPath? = nil
    ) throws(DiagnosticsError) -> Node {
        if let cached = parsedFiles[absolute], cached.environment == environment { return cached.node }
        let (name, text) = try reader.read(absolute, what: "compose file", at: requestedAt, path: path)
        let start = SourceLocation(file: name, line: 1, column: 1)
        // Several documents in one file merge in order, as if each were its own `-f` file
        // (compose-go does the same); empty documents count for nothing.
        var merged: Node?
        for document in try YAMLReader.parseDocuments(text, file: name) where !document.isNull {
            guard document.mapping != nil else {
                throw DiagnosticsError(
                    .error(
                        "invalid-document",
                        "a compose file must be a mapping at the top level, found \(document.kindName)",
                        at: document.location, hint: "start the file with keys such as 'services:'"))
            }
            merged = merged.map { Merge.documents($0, document) } ?? document
        }
        guard let parsed = merged else {
            let empty = Node(.mapping(Mapping()), at: start)
            parsedFiles[absolute] = (environment, empty)
            return empty
        }
        let result = Interpolation.apply(to: parsed, environment: environment, source: text)
        warnings.append(contentsOf: result.warnings)
        if !result.errors.isEmpty { throw DiagnosticsError(result.errors) }
        var node = result.node
        if var mapping = node.mapping, let version = mapping.entry("version") {
            warnings.append(
                .warning(
                    "obsolete-version", "the attribute `version` is obsolete, it will be ignored",
                    at: version.keyLocation, path: KeyPath(keys: "version"),
                    hint: "remove it to avoid potential confusion"))
            mapping.removeValue(forKey: "version")
            node.kind = .mapping(mapping)
        }
        parsedFiles[absolute] = (environment, node)
        return node
    }

    /// Relative paths of an included project, made absolute against its own directory.
    func rebaseResources(_ root: Node, from directory: String) -> Node {
        guard var mapping = root.mapping else { return root }
        if let services = mapping.entry("services"), var byName = services.value.mapping {
            for entry in byName.entries {
                byName[entry.key, at: entry.keyLocation] = Rebase.service(entry.value, from: directory)
            }
            var value = services.value
            value.kind = .mapping(byName)
            mapping["services", at: services.keyLocation] = value
        }
        for key in ["configs", "secrets"] {
            guard let entry = mapping.entry(key) else { continue }
            mapping[key, at: entry.keyLocation] = Rebase.fileResources(entry.value, from: directory)
        }
        var copy = root
        copy.kind = .mapping(mapping)
        return copy
    }
}
