import ArgumentParser
import BerthSession

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
        let session = context.session(progress: ProgressPrinter(format: progress))
        try await StackContext.reportingFailures {
            try await session.down(
                removeVolumes: volumes, removeOrphans: removeOrphans, stopTimeout: .seconds(timeout))
        }
    }
}
