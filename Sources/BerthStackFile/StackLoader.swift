import BerthDiagnostics
import Foundation

/// Turns the command line's view of a project (`-f`, `-p`, `--env-file`, COMPOSE_*) into
/// one merged, interpolated document, the way docker compose does, so a stack that works
/// with compose loads the same here. Reads files and nothing else; the same inputs always
/// give the same result.
public enum StackLoader {
    /// Default file names, in compose's order of preference.
    public static let defaultFileNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]

    public static func load(_ options: LoadOptions) throws(DiagnosticsError) -> LoadedStack {
        let workingDirectory = Paths.normalise(options.workingDirectory)
        var loader = ProjectLoader(reader: FileReader(workingDirectory: workingDirectory))
        let process = options.environment

        // COMPOSE_* may come from the env files before the project directory is known:
        // --env-file, else `.env` in --project-directory or the working directory.
        let explicitEnvFiles = options.envFiles.map { Paths.absolute($0, relativeTo: workingDirectory) }
        let earlyDirectory = options.projectDirectory.map { Paths.absolute($0, relativeTo: workingDirectory) }
        var earlyEnvFiles = explicitEnvFiles
        if earlyEnvFiles.isEmpty {
            let dotEnv = Paths.absolute(".env", relativeTo: earlyDirectory ?? workingDirectory)
            if loader.reader.isFile(dotEnv) { earlyEnvFiles = [dotEnv] }
        }
        let earlyValues = try loader.readEnvFiles(earlyEnvFiles.map { ($0, nil) }, lookup: process, path: nil)
        let early = earlyValues.merging(process) { _, fromProcess in fromProcess }

        let files = try composeFiles(options, environment: early, workingDirectory: workingDirectory, loader: &loader)
        let projectDirectory = earlyDirectory ?? files.first.map(Paths.directory(of:)) ?? workingDirectory

        // The interpolation environment: env files overridden by the process environment.
        var envFiles = explicitEnvFiles
        if envFiles.isEmpty {
            let dotEnv = Paths.absolute(".env", relativeTo: projectDirectory)
            if loader.reader.isFile(dotEnv) { envFiles = [dotEnv] }
        }
        let fileValues =
            envFiles == earlyEnvFiles
            ? earlyValues : try loader.readEnvFiles(envFiles.map { ($0, nil) }, lookup: process, path: nil)
        let environment = fileValues.merging(process) { _, fromProcess in fromProcess }

        let project = ProjectLoader.Project(
            files: files, directory: projectDirectory, environment: environment, includeChain: [],
            absolutePaths: false)
        var root = try loader.load(project)
        let name = try projectName(options, environment: environment, root: root, directory: projectDirectory)
        if var mapping = root.mapping {
            let at = mapping.entry("name")?.keyLocation ?? root.location
            let location = mapping["name"]?.location ?? root.location
            mapping["name", at: at] = Node(.scalar(Scalar(name)), at: location)
            root.kind = .mapping(mapping)
        }
        return LoadedStack(
            projectName: name, projectDirectory: projectDirectory, files: files, root: root, environment: environment,
            activeProfiles: activeProfiles(options, environment: environment), sources: loader.reader.sources,
            warnings: loader.warnings.sorted(by: Diagnostic.ordered))
    }

    // MARK: compose files

    private static func composeFiles(
        _ options: LoadOptions, environment: [String: String], workingDirectory: String, loader: inout ProjectLoader
    ) throws(DiagnosticsError) -> [String] {
        var requested = options.files
        var origin = "-f"
        if requested.isEmpty, let list = environment["COMPOSE_FILE"], !list.isEmpty {
            let separator = environment["COMPOSE_PATH_SEPARATOR"].flatMap { $0.isEmpty ? nil : $0 } ?? ":"
            requested = list.components(separatedBy: separator).filter { !$0.isEmpty }
            origin = "COMPOSE_FILE"
        }
        if requested.isEmpty {
            return try defaultFiles(workingDirectory: workingDirectory, loader: &loader)
        }
        var files: [String] = []
        for path in requested {
            if path == "-" {
                throw DiagnosticsError(
                    .error(
                        "stdin-unsupported", "reading a compose file from standard input ('-f -') is not supported",
                        hint: "save the file and pass its path with -f"))
            }
            let absolute = Paths.absolute(path, relativeTo: workingDirectory)
            guard loader.reader.isFile(absolute) else {
                throw DiagnosticsError(
                    .error(
                        "file-not-found", "the compose file \(absolute) (from \(origin)) does not exist",
                        hint: "paths are relative to the working directory \(workingDirectory)"))
            }
            files.append(absolute)
        }
        return files
    }

    /// compose's lookup: the first default name found in the working directory or its
    /// parents, plus its override file.
    private static func defaultFiles(
        workingDirectory: String, loader: inout ProjectLoader
    ) throws(DiagnosticsError) -> [String] {
        var directory = workingDirectory
        for _ in 0..<256 {
            let present = defaultFileNames.filter { loader.reader.isFile(Paths.absolute($0, relativeTo: directory)) }
            if let first = present.first {
                let file = Paths.absolute(first, relativeTo: directory)
                if present.count > 1 {
                    loader.warnings.append(
                        .warning(
                            "multiple-compose-files",
                            "found multiple config files with supported names: "
                                + present.map { Paths.absolute($0, relativeTo: directory) }.joined(separator: ", ")
                                + "; using \(file)",
                            hint: "remove the ones you do not use, or choose one with -f"))
                }
                var files = [file]
                let stem = first.hasSuffix(".yaml") ? String(first.dropLast(5)) : String(first.dropLast(4))
                let ext = first.hasSuffix(".yaml") ? ".yaml" : ".yml"
                let override = Paths.absolute("\(stem).override\(ext)", relativeTo: directory)
                if loader.reader.isFile(override) { files.append(override) }
                return files
            }
            if directory == "/" { break }
            directory = Paths.directory(of: directory)
        }
        throw DiagnosticsError(
            .error(
                "no-compose-file",
                "no compose file found in \(workingDirectory) or its parent directories (looked for "
                    + defaultFileNames.joined(separator: ", ") + ")",
                hint: "create compose.yaml, or name the file with -f or COMPOSE_FILE"))
    }

    // MARK: project name and profiles

    private static func projectName(
        _ options: LoadOptions, environment: [String: String], root: Node, directory: String
    ) throws(DiagnosticsError) -> String {
        if let explicit = options.projectName, !explicit.isEmpty {
            return try ProjectName.validateExplicit(explicit, source: "-p", at: nil, path: nil)
        }
        if let fromEnvironment = environment["COMPOSE_PROJECT_NAME"], !fromEnvironment.isEmpty {
            return try ProjectName.validateExplicit(fromEnvironment, source: "COMPOSE_PROJECT_NAME", at: nil, path: nil)
        }
        if let node = root["name"], let text = node.string, !text.isEmpty {
            return try ProjectName.validateExplicit(
                text, source: "the top-level 'name'", at: node.location, path: KeyPath(keys: "name"))
        }
        let base = Paths.basename(directory)
        let normalised = ProjectName.normalise(base)
        guard !normalised.isEmpty else {
            throw DiagnosticsError(
                .error(
                    "invalid-project-name",
                    "the project directory name '\(base)' leaves no valid project name once normalised",
                    hint: "set one with -p, COMPOSE_PROJECT_NAME or a top-level 'name:'"))
        }
        return normalised
    }

    private static func activeProfiles(_ options: LoadOptions, environment: [String: String]) -> [String] {
        var profiles = options.profiles
        if profiles.isEmpty, let list = environment["COMPOSE_PROFILES"] {
            profiles = list.split(separator: ",").map(String.init)
        }
        var seen = Set<String>()
        return profiles.map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty && seen.insert($0).inserted
        }
    }
}
