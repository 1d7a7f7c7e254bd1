import ArgumentParser
import BerthSession

/// `berth start|stop|restart [SERVICE…]`: act on existing containers without re-planning
/// from the stack files; each is a small plan the engine applies in dependency order.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start existing containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let session = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions).session()
        try await StackContext.reportingFailures { try await session.start(services) }
    }
}

struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop running containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(name: [.customShort("t"), .long], help: "Seconds to wait before killing.") var timeout: Int = 10
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let session = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions).session()
        try await StackContext.reportingFailures { try await session.stop(services, timeout: .seconds(timeout)) }
    }
}

struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Restart containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(name: [.customShort("t"), .long], help: "Seconds to wait before killing.") var timeout: Int = 10
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let session = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions).session()
        try await StackContext.reportingFailures { try await session.restart(services, timeout: .seconds(timeout)) }
    }
}

/// `berth scale SERVICE=N…`: `up --no-deps --scale` for just those services.
struct ScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scale", abstract: "Set the number of replicas.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(help: "Progress output: auto, plain, json or quiet.") var progress: ProgressFormat = .auto
    @Argument(help: "SERVICE=N pairs.") var scales: [String]

    func run() async throws {
        let scale = try StackContext.parseScale(scales)
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let session = context.session(progress: ProgressPrinter(format: progress))
        try await StackContext.reportingFailures { try await session.scale(scale) }
    }
}
