import ArgumentParser
import BerthDriver
import BerthPlan

/// `berth plan`: what `up` would do and why, without doing it.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show what `up` would change, field by field, without changing anything.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(help: "text or json.") var format: OutputFormat = .text
    @Flag(help: "Exit 2 when there are changes, 0 when there are none.") var detailedExitcode = false
    @Option(help: "SERVICE=N replicas (repeatable).") var scale: [String] = []
    @Flag(help: "Plan as `up --force-recreate`.") var forceRecreate = false
    @Flag(help: "Plan as `up --remove-orphans`.") var removeOrphans = false
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let images = try await context.images(resolveOnly: true)
        let driver = try context.driver(images: images, daemon: false)
        let observed = try await driver.observe()
        let options = PlanOptions(
            forceRecreate: forceRecreate, services: services, removeOrphans: removeOrphans,
            scale: try StackContext.parseScale(scale))
        let plan = Planner.plan(desired: context.desired(images: images), observed: observed, options: options)
        switch format {
        case .json: Terminal.writeOutput(PlanRenderer.json(plan) + "\n")
        case .text, .yaml:
            let colors = Terminal.colors(fd: 1, environment: context.environment)
            Terminal.writeOutput(PlanRenderer.human(plan, colors: colors))
        }
        if !plan.problems.isEmpty { throw ExitCode(1) }
        if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
    }
}
