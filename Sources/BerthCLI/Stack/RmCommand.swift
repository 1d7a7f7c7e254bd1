import ArgumentParser
import BerthSession

/// `berth rm [-s] [-f] [-v] [SERVICE…]`: remove stopped service containers. Running ones
/// are kept (and named) unless `--stop` stops them first, like docker compose.
struct RmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove stopped containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Flag(name: [.customShort("s"), .long], help: "Stop the containers first.") var stop = false
    @Flag(name: .customLong("force"), help: "Do not ask for confirmation (berth never asks).") var force = false
    @Option(name: [.customShort("t"), .long], help: "Seconds to wait before killing, with --stop.") var timeout = 10
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let session = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions).session()
        let plan = try await StackContext.reportingFailures {
            try await session.remove(services, stopFirst: stop, timeout: .seconds(timeout))
        }
        if !plan.keptRunning.isEmpty {
            Terminal.writeError("running, not removed (use --stop): \(plan.keptRunning.joined(separator: ", "))\n")
        }
    }
}
