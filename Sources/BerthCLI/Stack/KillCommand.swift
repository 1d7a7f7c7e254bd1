import ArgumentParser
import BerthModel

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
        let lock = try context.lock()
        defer { withExtendedLifetime(lock) {} }
        for container in try context.containers(of: services) {
            guard let state = try? context.runtime.state(id: container.runtimeID), state.status == .running else {
                continue
            }
            do {
                try context.runtime.kill(id: container.runtimeID, signal: parsed.number)
            } catch {
                throw CleanExit.message("container \(container.name): \(error)")
            }
            Terminal.writeError("Container \(container.name)  Killed (\(parsed))\n")
        }
    }
}
