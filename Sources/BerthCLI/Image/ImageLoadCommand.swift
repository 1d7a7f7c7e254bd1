import ArgumentParser
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
        for loaded in try rootOptions.host.images.load(from: input) {
            if loaded.references.isEmpty {
                print("Loaded image ID: \(loaded.id)")
            }
            for reference in loaded.references {
                print("Loaded image: \(reference)")
            }
        }
    }
}
