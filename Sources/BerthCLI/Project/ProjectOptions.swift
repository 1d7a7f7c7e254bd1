import ArgumentParser
import BerthStackFile

/// The global options docker compose takes for choosing the stack: every stack command
/// (config, plan, up, down, ...) embeds them so they behave the same everywhere.
public struct ProjectOptions: ParsableArguments {
    @Option(
        name: [.customShort("f"), .long],
        help: ArgumentHelp("Compose file (repeatable; later files override earlier ones).", valueName: "file"))
    var file: [String] = []

    @Option(name: [.customShort("p"), .long], help: ArgumentHelp("Project name.", valueName: "name"))
    var projectName: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory relative paths are resolved against (default: the first file's).", valueName: "dir"))
    var projectDirectory: String?

    @Option(name: .long, help: ArgumentHelp("Environment file for interpolation (repeatable).", valueName: "file"))
    var envFile: [String] = []

    @Option(name: .long, help: ArgumentHelp("Enable a profile (repeatable; env: COMPOSE_PROFILES).", valueName: "name"))
    var profile: [String] = []

    public init() {}

    func loadOptions(environment: [String: String], workingDirectory: String) -> LoadOptions {
        LoadOptions(
            files: file, projectName: projectName, projectDirectory: projectDirectory, envFiles: envFile,
            profiles: profile, environment: environment, workingDirectory: workingDirectory)
    }
}
