import BerthDiagnostics

/// What the user asked for on the command line (or through COMPOSE_* variables), before
/// any file is read. Mirrors docker compose's global options.
public struct LoadOptions: Sendable {
    /// `-f` paths as given; empty means COMPOSE_FILE, else the default file lookup.
    public var files: [String]
    /// `-p`; else COMPOSE_PROJECT_NAME, else top-level `name:`, else the directory name.
    public var projectName: String?
    /// `--project-directory`; else the directory of the first file.
    public var projectDirectory: String?
    /// `--env-file`; empty means `.env` in the project directory, if present.
    public var envFiles: [String]
    /// `--profile`; empty means COMPOSE_PROFILES.
    public var profiles: [String]
    /// The process environment. Passed in (not read globally) so loading is a pure
    /// function of its inputs and tests control it.
    public var environment: [String: String]
    /// The directory relative paths on the command line are resolved against.
    public var workingDirectory: String

    public init(
        files: [String] = [], projectName: String? = nil, projectDirectory: String? = nil,
        envFiles: [String] = [], profiles: [String] = [], environment: [String: String] = [:],
        workingDirectory: String
    ) {
        self.files = files
        self.projectName = projectName
        self.projectDirectory = projectDirectory
        self.envFiles = envFiles
        self.profiles = profiles
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

/// One compose document after loading: every file merged, interpolated, `extends` and
/// `include` resolved, anchors expanded. Still untyped (a `Node` tree with positions);
/// `BerthModel` turns it into the typed topology.
public struct LoadedStack: Sendable {
    /// Normalised as compose does: lowercase, only `[a-z0-9_-]`, starting with a letter or digit.
    public var projectName: String
    /// Absolute. Relative paths left in `root` (bind mounts, env_file, configs, secrets)
    /// are relative to this directory; paths from files in other directories have already
    /// been made absolute.
    public var projectDirectory: String
    /// The compose files used, in merge order, as absolute paths.
    public var files: [String]
    /// The merged document.
    public var root: Node
    /// The variables interpolation used: `.env`/`--env-file` values overridden by the process
    /// environment.
    public var environment: [String: String]
    /// Profiles enabled by `--profile` or COMPOSE_PROFILES (`*` enables all).
    public var activeProfiles: [String]
    /// The text of every file read, keyed by the name used in diagnostics, so renderers
    /// can quote the offending line.
    public var sources: [String: String]
    /// Problems that did not stop loading (e.g. an unset variable without a default).
    public var warnings: [Diagnostic]

    public init(
        projectName: String, projectDirectory: String, files: [String], root: Node,
        environment: [String: String], activeProfiles: [String], sources: [String: String],
        warnings: [Diagnostic]
    ) {
        self.projectName = projectName
        self.projectDirectory = projectDirectory
        self.files = files
        self.root = root
        self.environment = environment
        self.activeProfiles = activeProfiles
        self.sources = sources
        self.warnings = warnings
    }
}
