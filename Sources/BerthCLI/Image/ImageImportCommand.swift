import ArgumentParser
import BerthImage

struct ImageImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Make a one-layer image from a root filesystem directory or tar file.")

    @OptionGroup var rootOptions: RootOptions

    @Argument(help: ArgumentHelp("Root filesystem: a directory or a tar file (plain or gzip).", valueName: "tar|dir"))
    var source: String

    @Argument(help: ArgumentHelp("Name for the image.", valueName: "name[:tag]"))
    var name: String

    @Option(
        name: [.customShort("c"), .long],
        help: ArgumentHelp(
            "Dockerfile instruction to apply: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR (repeatable).",
            valueName: "instruction"))
    var change: [String] = []

    @Option(
        help: ArgumentHelp(
            "Layer compression when importing a directory (gzip, none; default gzip).", valueName: "kind"))
    var compression: String?

    func run() async throws {
        let reference = try ImageReference(parsing: name)
        var changes: [ImageChange] = []
        for text in change { changes += try ImageChange.parse(text) }
        var chosen: LayerCompression?
        if let compression {
            guard let parsed = LayerCompression(rawValue: compression) else {
                throw ValidationError("--compression must be gzip or none, not \"\(compression)\"")
            }
            chosen = parsed
        }
        let store = ImageStoreFactory.make(root: rootOptions.resolvedRoot(environment: ImageStoreFactory.environment))
        let image = try store.importRootfs(from: source, as: [reference], changes: changes, compression: chosen)
        print(image.id)
    }
}
