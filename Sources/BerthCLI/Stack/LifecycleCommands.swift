import ArgumentParser
import BerthDriver
import BerthEngine
import BerthPlan
import BerthRuntime
import BerthState

/// `berth start|stop|restart [SERVICE…]`: act on existing containers without re-planning.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start existing containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        try await Lifecycle.run(projectOptions, rootOptions, services, stop: false, start: true, timeout: 10)
    }
}

struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop running containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(name: [.customShort("t"), .long], help: "Seconds to wait before killing.") var timeout: Int = 10
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        try await Lifecycle.run(projectOptions, rootOptions, services, stop: true, start: false, timeout: timeout)
    }
}

struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Restart containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(name: [.customShort("t"), .long], help: "Seconds to wait before killing.") var timeout: Int = 10
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        try await Lifecycle.run(projectOptions, rootOptions, services, stop: true, start: true, timeout: timeout)
    }
}

enum Lifecycle {
    static func run(
        _ projectOptions: ProjectOptions, _ rootOptions: RootOptions, _ services: [String], stop: Bool, start: Bool,
        timeout: Int
    ) async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let lock = try context.lock()
        defer { withExtendedLifetime(lock) {} }
        let driver = try context.driver(images: [:], daemon: true)
        let containers = try context.containers(of: services)
        let clock = ContinuousClock()
        for container in containers.reversed() where stop {
            let began = clock.now
            let current = try? context.runtime.state(id: container.runtimeID)
            guard current?.status == .running || current?.status == .restarting else { continue }
            try await driver.stopContainer(container.name, timeout: .seconds(timeout))
            Terminal.writeError("Container \(container.name)  Stopped  \(EngineEvent.seconds(clock.now - began))\n")
        }
        for container in containers where start {
            let began = clock.now
            let current = try? context.runtime.state(id: container.runtimeID)
            if current?.status == .running || current?.status == .restarting { continue }
            try await driver.startContainer(container.name)
            Terminal.writeError("Container \(container.name)  Started  \(EngineEvent.seconds(clock.now - began))\n")
        }
        await driver.ensureDaemon()
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
        let lock = try context.lock()
        defer { withExtendedLifetime(lock) {} }
        let images = try await context.images()
        let driver = try context.driver(images: images, daemon: true)
        let observed = try await driver.observe()
        let plan = Planner.plan(
            desired: context.desired(images: images), observed: observed,
            options: PlanOptions(noRecreate: true, services: scale.keys.sorted(), noDeps: true, scale: scale))
        try PortCheck.check(context.topology, state: await driver.currentState)
        try await StackApply.apply(plan, driver: driver, timeout: 10, waitTimeout: 120, progress: progress)
        await PortCheck.waitUntilPublished(await driver.currentState)
    }
}
