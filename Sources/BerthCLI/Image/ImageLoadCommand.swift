import ArgumentParser
import BerthImage
import BerthSession

struct ImageLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load images from a docker-archive (docker save), an OCI archive or an OCI layout directory.")

    @OptionGroup var rootOptions: RootOptions

    @Option(
        name: [.customShort("i"), .long], help: ArgumentHelp("Archive file or OCI layout directory.", valueName: "file")
    )
    var input: String

    func run() async throws {
        let store = ImageStoreFactory.make(root: rootOptions.resolvedRoot(environment: ImageStoreFactory.environment))
        for loaded in try store.load(from: input) {
            if loaded.references.isEmpty {
                print("Loaded image ID: \(loaded.image.id)")
            }
            for reference in loaded.references {
                print("Loaded image: \(reference)")
            }
        }
    }
}
