import ArgumentParser
import BerthSession

/// `berth exec`: run a command in a running container of a service; its exit code becomes
/// berth's.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a command in a running service container.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(name: .shortAndLong, help: "User (name or uid[:gid]).") var user: String?
    @Option(name: [.customShort("w"), .long], help: "Working directory inside the container.") var workdir: String?
    @Option(name: [.customShort("e"), .long], help: "KEY=VALUE environment entries.") var env: [String] = []
    @Option(help: "Which replica (1-based).") var index: Int = 1
    @Flag(
        name: [.customShort("i"), .long],
        help: "Keep stdin attached (the default, as in compose; accepted for docker habits).")
    var interactive = false
    @Flag(name: [.customShort("t"), .customLong("tty")], help: "Allocate a pseudo-terminal for the command.")
    var tty = false
    @Flag(
        name: [.customShort("T"), .customLong("no-TTY")],
        help: "Do not allocate a pseudo-terminal (the default).")
    var noTTY = false
    @Argument(help: "Service.") var service: String
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments.") var command: [String] = []

    func run() async throws {
        let command = self.command.first == "--" ? Array(self.command.dropFirst()) : self.command
        guard !command.isEmpty else { throw ValidationError("a command is required") }
        if tty && noTTY { throw ValidationError("-t/--tty and -T/--no-TTY contradict each other; pick one") }
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        var request = ExecRequest(arguments: command)
        request.environment = env
        request.user = user
        request.workingDirectory = workdir
        request.terminal = tty
        let code = try context.session().exec(service: service, index: index, request)
        throw ExitCode(code)
    }
}
