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
        let parsed = try ImageReference(parsing: reference)
        let printer = PullProgressPrinter()
        let options = ImagePullOptions(
            insecureRegistries: insecureRegistry ? [parsed.domain] : [], progress: { printer.receive($0) })
        let store = rootOptions.host.images
        let image = try await store.pull(parsed, options: options)
        printer.finish()
        print("Digest: \(image.manifestDigest)")
        print("Pulled \(parsed)")
    }
}
