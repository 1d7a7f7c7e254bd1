import ArgumentParser
import BerthSession

struct ImageRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove images (by name, ID or digest) and free what nothing else uses.",
        aliases: ["remove", "rmi"])

    @OptionGroup var rootOptions: RootOptions

    @Argument(help: ArgumentHelp("Images to remove.", valueName: "image"))
    var images: [String]

    @Flag(name: [.customShort("f"), .long], help: "Remove even if a container uses the image.")
    var force = false

    func run() async throws {
        let store = rootOptions.host.images
        for image in images {
            let result = try store.remove(image, force: force)
            for name in result.removedReferences { print("Untagged: \(name)") }
            if result.removedBlobs > 0 || result.removedLayers > 0 {
                print(
                    "Deleted: \(result.removedBlobs) blobs, \(result.removedLayers) layers (\(ByteCount.format(result.reclaimedBytes)))"
                )
            }
        }
    }
}

struct ImagePruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove unnamed unused images and unreferenced blobs and layers.")

    @OptionGroup var rootOptions: RootOptions

    func run() async throws {
        let store = rootOptions.host.images
        let result = try store.prune()
        for name in result.removedReferences { print("Deleted image: \(name)") }
        print(
            "Removed \(result.removedBlobs) blobs and \(result.removedLayers) layer directories; reclaimed \(ByteCount.format(result.reclaimedBytes))"
        )
    }
}

struct ImageTagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Give a stored image another name.")

    @OptionGroup var rootOptions: RootOptions

    @Argument(help: ArgumentHelp("Existing image name, ID or digest.", valueName: "source"))
    var source: String

    @Argument(help: ArgumentHelp("New name.", valueName: "target"))
    var target: String

    func run() async throws {
        try rootOptions.host.images.tag(source, as: target)
    }
}
