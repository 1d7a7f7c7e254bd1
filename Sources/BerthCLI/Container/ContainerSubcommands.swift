import ArgumentParser
import BerthSession
import Foundation

private func runtime(_ options: RootOptions) -> Runtime {
    Runtime(root: options.resolvedRoot(environment: ProcessInfo.processInfo.environment))
}

struct ContainerPs: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List containers and their state.")
    @OptionGroup var rootOptions: RootOptions

    func run() throws {
        print("ID\tSTATUS\tPID\tEXIT\tRESTARTS\tHEALTH")
        for state in runtime(rootOptions).list() {
            let exit = state.exitCode.map { String($0) + (state.oomKilled ? " (OOM)" : "") } ?? "-"
            // The last probe's exit code next to the health, e.g. "unhealthy (probe exit 1)".
            let probe = state.healthLog?.last.map { " (probe exit \($0.exitCode))" } ?? ""
            print(
                "\(state.id)\t\(state.status.rawValue)\t\(state.pid.map(String.init) ?? "-")\t\(exit)\t\(state.restartCount)\t\(state.health?.rawValue ?? "-")\(probe)"
            )
        }
    }
}

struct ContainerLogs: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a container's output.")
    @OptionGroup var rootOptions: RootOptions
    @Flag(name: .shortAndLong, help: "Keep printing until the container exits.") var follow = false
    @Option(help: "Only the last N lines.") var tail: Int?
    @Option(help: "Only lines since this RFC 3339 time.") var since: String?
    @Flag(name: .shortAndLong, help: "Prefix each line with its timestamp.") var timestamps = false
    @Argument var id: String

    func run() throws {
        let rt = runtime(rootOptions)
        let follower = LogFollower(runtime: rt, id: id, timestamps: timestamps)
        if follow {
            _ = try follower.follow(tail: tail, since: since)
        } else {
            follower.print(try rt.logs(id: id, options: LogOptions(tail: tail, since: since)))
        }
    }
}

struct ContainerExec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a command in a running container; exits with its code.")
    @OptionGroup var rootOptions: RootOptions
    @Option(name: .shortAndLong, help: "KEY=VALUE environment entries.") var env: [String] = []
    @Option(name: .shortAndLong, help: "uid, uid:gid, name or name:group.") var user: String?
    @Option(name: .shortAndLong, help: "Working directory.") var workdir: String?
    @Flag(name: .shortAndLong, help: "Keep stdin attached (otherwise the command reads /dev/null).")
    var interactive = false
    @Flag(name: .shortAndLong, help: "Allocate a pseudo-terminal for the command.") var tty = false
    @Argument var id: String
    @Argument(parsing: .captureForPassthrough) var command: [String] = []

    func run() throws {
        let command = self.command.first == "--" ? Array(self.command.dropFirst()) : self.command
        guard !command.isEmpty else { throw ValidationError("a command is required") }
        var spec = ExecSpec(arguments: command)
        spec.environment = env
        spec.user = user
        spec.workingDirectory = workdir
        spec.interactive = interactive
        spec.terminal = tty
        throw ExitCode(try runtime(rootOptions).exec(id: id, spec))
    }
}

struct ContainerStop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Send the stop signal, then SIGKILL after the grace period.")
    @OptionGroup var rootOptions: RootOptions
    @Option(name: .shortAndLong, help: "Grace period in seconds.") var time: Double?
    @Argument var ids: [String]

    func run() throws {
        for id in ids {
            let state = try runtime(rootOptions).stop(id: id, graceMilliseconds: time.map { Int64($0 * 1000) })
            print("\(id)\t\(state.status.rawValue)\t\(state.exitCode.map(String.init) ?? "-")")
        }
    }
}

struct ContainerKill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", abstract: "Signal a container's PID 1 (its restart policy still applies).")
    @OptionGroup var rootOptions: RootOptions
    @Option(name: .shortAndLong, help: "Signal number.") var signal: Int32 = 9
    @Argument var ids: [String]

    func run() throws {
        for id in ids { try runtime(rootOptions).kill(id: id, signal: signal) }
    }
}

struct ContainerRm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove containers.")
    @OptionGroup var rootOptions: RootOptions
    @Flag(name: .shortAndLong, help: "Stop running containers first.") var force = false
    @Argument var ids: [String]

    func run() throws {
        for id in ids { try runtime(rootOptions).remove(id: id, force: force) }
    }
}
