import ArgumentParser
import BerthSession

extension ImagePullPolicy: ExpressibleByArgument {}

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
    @Option(help: "Image pull policy: always, missing or never.") var pull: ImagePullPolicy?
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
        var options = UpOptions()
        options.services = services
        options.forceRecreate = forceRecreate
        options.noRecreate = noRecreate
        options.noDeps = noDeps
        options.removeOrphans = removeOrphans
        options.scale = try StackContext.parseScale(scale)
        options.noStart = noStart
        options.dryRun = dryRun
        options.pull = pull
        options.stopTimeout = .seconds(timeout)
        options.waitTimeout = .seconds(waitTimeout)
        options.wait = wait
        let session = context.session(progress: ProgressPrinter(format: progress))
        let result = try await StackContext.reportingFailures { try await session.up(options) }
        if dryRun {
            Terminal.writeOutput(PlanView.human(result.plan))
            return
        }
        // The session released the project lock: other commands (stop, scale, a second up)
        // can act on the stack while this one follows its logs.
        guard !detach && !wait && !noStart else { return }
        var follow = LogFollowOptions()
        follow.services = services
        follow.follow = true
        follow.silentServices = Set(context.topology.services.filter { !$0.attach }.map(\.name.rawValue))
        var attach = AttachOptions()
        attach.abortOnExit = abortOnContainerExit || exitCodeFrom != nil
        attach.exitCodeFrom = exitCodeFrom
        // A fresh printer: live progress redraws its own lines, which the logs have scrolled.
        let attached = context.session(progress: ProgressPrinter(format: progress))
        let code = try await LogView(prefix: true, timestamps: false).follow(attached, follow, attach: attach)
        if let code, code != 0 { throw ExitCode(code) }
    }
}
