import ArgumentParser
import BerthDriver
import BerthPlan

/// `berth down`: remove the stack's containers and networks (and volumes with -v).
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop and remove the stack's containers and networks.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Flag(name: [.customShort("v"), .long], help: "Also remove the stack's named volumes.") var volumes = false
    @Flag(help: "Remove containers of services no longer in the stack files.") var removeOrphans = false
    @Option(name: [.customShort("t"), .long], help: "Seconds to wait for a container to stop.") var timeout: Int = 10
    @Option(help: "Progress output: auto, plain, json or quiet.") var progress: ProgressFormat = .auto

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let lock = try context.lock()
        defer { withExtendedLifetime(lock) {} }
        let images = try await context.images(resolveOnly: true)
        let driver = try context.driver(images: images, daemon: true)
        let observed = try await driver.observe()
        let plan = Planner.planDown(
            project: context.project, observed: observed, desired: context.desired(images: images),
            options: PlanOptions(removeOrphans: removeOrphans, removeVolumes: volumes))
        try await StackApply.apply(plan, driver: driver, timeout: timeout, waitTimeout: 60, progress: progress)
    }
}
