import ArgumentParser
import BerthSession

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
        if let compression, !ImageLibrary.compressions.contains(compression) {
            throw ValidationError("--compression must be gzip or none, not \"\(compression)\"")
        }
        print(
            try rootOptions.host.images.importRootfs(
                from: source, name: name, changes: change, compression: compression))
    }
}
