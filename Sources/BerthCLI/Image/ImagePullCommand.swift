import ArgumentParser
import BerthSession

struct ImagePullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Pull an image from a registry (OCI distribution API).")

    @OptionGroup var rootOptions: RootOptions

    @Argument(help: ArgumentHelp("Image to pull.", valueName: "name[:tag|@digest]"))
    var reference: String

    @Flag(help: "Use plain HTTP for this registry even though it is not on loopback.")
    var insecureRegistry = false

    func run() async throws {
        let pulled = try await rootOptions.host.images.pull(
            reference, insecureRegistry: insecureRegistry, observer: PullProgressPrinter())
        print("Digest: \(pulled.digest)")
        print("Pulled \(pulled.reference)")
    }
}
