import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// The root of the command tree; each subcommand lives in its own file.
public struct BerthCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "berth",
        abstract: "Bring compose stacks up and down with berth's own container runtime.",
        subcommands: [
            ConfigCommand.self,
            ImageCommand.self,
            ImagesCommand.self,
            ContainerCommand.self,
            PlanCommand.self, UpCommand.self, DownCommand.self, PsCommand.self, LogsCommand.self, ExecCommand.self,
            ScaleCommand.self, StartCommand.self, StopCommand.self, RestartCommand.self, LsCommand.self,
            KillCommand.self, RmCommand.self, TopCommand.self, EventsCommand.self,
            NetworkDaemonCommand.self,
            PullCommand.self,
            VolumeCommand.self,
            NetworkCommand.self,
        ]
    )

    public init() {}

    /// Runs the command line. Usage errors exit with 2 (like compose), invalid input with 1.
    public static func run(arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Glibc.exit(0)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Terminal.writeError(fullMessage(for: error) + "\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
