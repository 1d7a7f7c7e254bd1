import ArgumentParser

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
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let lock = try context.lock()
        defer { withExtendedLifetime(lock) {} }
        let driver = try context.driver(images: [:], daemon: true)
        var kept: [String] = []
        for container in try context.containers(of: services).reversed() {
            let status = (try? context.runtime.state(id: container.runtimeID))?.status
            let running = status == .running || status == .restarting
            if running {
                guard stop else {
                    kept.append(container.name)
                    continue
                }
                try await driver.stopContainer(container.name, timeout: .seconds(timeout))
            }
            try await driver.removeContainer(container.name)
            Terminal.writeError("Container \(container.name)  Removed\n")
        }
        await driver.ensureDaemon()
        if !kept.isEmpty {
            Terminal.writeError("running, not removed (use --stop): \(kept.joined(separator: ", "))\n")
        }
    }
}
