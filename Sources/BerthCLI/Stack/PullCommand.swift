import ArgumentParser
import BerthModel
import BerthSession

/// `berth pull`: fetch the stack's images ahead of `up`, so a deploy does not stall on the
/// network; each service's `pull_policy` decides whether the registry is contacted at all.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Pull the stack's images as each service's pull_policy says.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(help: "Override every service's pull_policy: always, missing or never.")
    var policy: ImagePullPolicy?
    @Flag(help: "Use plain HTTP for registries that are not on loopback.") var insecureRegistry = false
    @Flag(name: .shortAndLong, help: "Print nothing but errors.") var quiet = false
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let known = Set(context.topology.services.map(\.name.rawValue))
        if let unknown = services.first(where: { !known.contains($0) }) {
            throw ValidationError("no such service: \(unknown) (services: \(known.sorted().joined(separator: ", ")))")
        }
        let quiet = self.quiet
        try await context.session().pull(
            services: services, policy: policy, insecureRegistry: insecureRegistry,
            observer: { quiet ? nil : PullProgressPrinter() },
            report: { name, line in if !quiet { Terminal.writeOutput("\(name): \(line)\n") } })
    }
}
