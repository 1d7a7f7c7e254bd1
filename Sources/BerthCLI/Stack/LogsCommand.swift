import ArgumentParser
import BerthSession

/// `berth logs`: the stack's container output, prefixed by `service-N |`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Show the stack's container logs.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    /// `-f` is taken by `--file` (the stack options sit on every subcommand), so follow is
    /// `--follow` only.
    @Flag(name: .long, help: "Keep printing new lines until Ctrl-C.") var follow = false
    @Option(name: .long, help: "Only the last N lines of each container (or 'all').") var tail: String = "all"
    @Flag(name: [.customShort("t"), .long], help: "Show timestamps.") var timestamps = false
    @Flag(help: "Do not prefix lines with the container.") var noLogPrefix = false
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        var lines: Int?
        if tail != "all" {
            guard let n = Int(tail), n >= 0 else { throw ValidationError("--tail takes a number or 'all'") }
            lines = n
        }
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        var options = LogFollowOptions()
        options.services = services
        options.follow = follow
        options.tail = lines
        try await LogView(prefix: !noLogPrefix, timestamps: timestamps).follow(context.session(), options)
    }
}
