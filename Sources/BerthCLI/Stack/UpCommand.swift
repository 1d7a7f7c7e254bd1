import ArgumentParser
import BerthDriver
import BerthEngine
import BerthImage
import BerthPlan

extension BerthImage.PullPolicy: ExpressibleByArgument {}

/// `berth up`: plan against what exists, then apply it.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Create and start the stack's containers, networks and volumes.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Flag(name: .shortAndLong, help: "Detached: return once the stack is up.") var detach = false
    @Flag(help: "Wait until services are running or healthy (implies -d).") var wait = false
    @Option(help: "Seconds to wait with --wait.") var waitTimeout: Int = 120
    @Option(help: "SERVICE=N replicas (repeatable).") var scale: [String] = []
    @Flag(help: "Recreate containers even if nothing changed.") var forceRecreate = false
    @Flag(help: "Keep existing containers even if their configuration changed.") var noRecreate = false
    @Flag(help: "Do not start the services' dependencies.") var noDeps = false
    @Flag(help: "Remove containers of services no longer in the stack files.") var removeOrphans = false
    @Flag(help: "Create but do not start containers.") var noStart = false
    @Flag(help: "Show the plan and change nothing.") var dryRun = false
    @Option(help: "Image pull policy: always, missing or never.") var pull: BerthImage.PullPolicy?
    @Option(name: [.customShort("t"), .long], help: "Seconds to wait for a container to stop.") var timeout: Int = 10
    @Option(help: "Progress output: auto, plain, json or quiet.") var progress: ProgressFormat = .auto
    @Flag(help: "Stop every container when one exits (attached mode only).") var abortOnContainerExit = false
    @Option(
        help: ArgumentHelp(
            "Exit with this service's exit code; implies --abort-on-container-exit.", valueName: "service"))
    var exitCodeFrom: String?
    @Argument(help: "Services (default: all).") var services: [String] = []

    func validate() throws {
        if forceRecreate && noRecreate { throw ValidationError("--force-recreate and --no-recreate conflict") }
        if (abortOnContainerExit || exitCodeFrom != nil) && (detach || wait) {
            throw ValidationError(
                "--abort-on-container-exit and --exit-code-from need attached mode (no -d, no --wait)")
        }
    }

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        if let exitCodeFrom, context.topology.service(named: exitCodeFrom) == nil {
            throw ValidationError("--exit-code-from: no service named '\(exitCodeFrom)' in the stack")
        }
        // Held while changing things; released before attaching to logs so other commands
        // (stop, scale, a second up) can act on the running stack.
        var lock = dryRun ? nil : try context.lock()
        defer { withExtendedLifetime(lock) {} }
        let images = try await context.images(pull: pull, resolveOnly: dryRun)
        let driver = try context.driver(images: images, daemon: !dryRun)
        let observed = try await driver.observe()
        let options = PlanOptions(
            forceRecreate: forceRecreate, noRecreate: noRecreate, services: services, noDeps: noDeps,
            removeOrphans: removeOrphans, scale: try StackContext.parseScale(scale), noStart: noStart)
        let plan = Planner.plan(desired: context.desired(images: images), observed: observed, options: options)
        if dryRun {
            Terminal.writeOutput(PlanRenderer.human(plan))
            return
        }
        try PortCheck.check(context.topology, state: await driver.currentState)
        try await driver.checkExternalResources()
        try await driver.checkServicesSupported()
        try await StackApply.apply(
            plan, driver: driver, timeout: timeout, waitTimeout: waitTimeout, progress: progress)
        if wait && !noStart {
            try await StackApply.waitForServices(driver: driver, services: services, timeout: waitTimeout)
            await driver.ensureDaemon()
        }
        await PortCheck.waitUntilPublished(await driver.currentState)
        if !detach && !wait && !noStart {
            lock = nil
            var stream = LogStream(
                context: context, services: services, follow: true, tail: nil, timestamps: false,
                prefix: true)
            stream.silentServices = Set(context.topology.services.filter { !$0.attach }.map(\.name.rawValue))
            let code = try await stream.run(
                stopOnInterrupt: driver, abortOnExit: abortOnContainerExit || exitCodeFrom != nil,
                exitCodeFrom: exitCodeFrom)
            if let code, code != 0 { throw ExitCode(code) }
        }
    }
}

/// Runs a plan with progress output and turns failures into a clear exit.
enum StackApply {
    static func apply(
        _ plan: Plan, driver: LinuxDriver, timeout: Int, waitTimeout: Int, progress: ProgressFormat
    ) async throws {
        let printer = ProgressPrinter(format: progress)
        let log = EventLog(root: driver.root, project: await driver.project)
        let engine = Engine(
            driver: driver,
            options: EngineOptions(stopTimeout: .seconds(timeout), waitTimeout: .seconds(waitTimeout)))
        let report: ApplyReport
        do {
            report = try await engine.apply(plan) { event in
                printer.print(event)
                log.append(event)
            }
        } catch {
            printer.finish()
            throw CleanExit.message(error.description)
        }
        printer.finish()
        await driver.ensureDaemon()
        if !report.failures.isEmpty {
            for failure in report.failures { Terminal.writeError("error: \(failure)\n") }
            throw ExitCode(1)
        }
    }

    /// `--wait`: every container of the services running (healthy when it has a
    /// healthcheck), or finished successfully for one-shot jobs.
    static func waitForServices(driver: LinuxDriver, services: [String], timeout: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        let state = await driver.currentState
        for container in state.containers where services.isEmpty || services.contains(container.service) {
            let condition: WaitCondition = container.details?.hasHealthcheck == true ? .healthy : .started
            let outcome = try await driver.waitUntil(condition, container: container.name, deadline: deadline)
            switch outcome {
            case .satisfied, .noHealthcheck: continue
            case .exited(let code) where code == 0: continue
            case .exited(let code):
                throw CleanExit.message("container \(container.name) exited with code \(code)")
            case .unhealthy(let output):
                throw CleanExit.message("container \(container.name) is unhealthy: \(output)")
            case .timedOut:
                throw CleanExit.message(
                    "container \(container.name) is not \(condition) after \(timeout)s (see `berth logs \(container.service)`)"
                )
            }
        }
    }
}
