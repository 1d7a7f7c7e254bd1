import ArgumentParser
import BerthModel
import BerthSession

/// `berth kill [-s SIGNAL] [SERVICE…]`: signal the main process of running containers. The
/// restart policy decides what happens next, as with docker compose.
struct KillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Send a signal to containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(name: [.customShort("s"), .long], help: "Signal to send (name or number).") var signal = "SIGKILL"
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let parsed: Signal
        do {
            parsed = try Signal(parsing: signal)
        } catch {
            throw ValidationError("--signal: \(error.message)")
        }
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        var printer = ProgressPrinter(format: .auto)
        printer.killVerb = "Killed (\(parsed))"
        let session = context.session(progress: printer)
        try await StackContext.reportingFailures { try await session.kill(services, signal: parsed.number) }
    }
}
