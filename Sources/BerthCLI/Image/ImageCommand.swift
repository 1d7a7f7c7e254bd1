import ArgumentParser

/// `berth image ...`: the image store.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Manage the image store: load, import, pull, list, inspect, remove.",
        subcommands: [
            ImageLoadCommand.self, ImageImportCommand.self, ImagePullCommand.self, ImageListCommand.self,
            ImageInspectCommand.self, ImageRemoveCommand.self, ImagePruneCommand.self, ImageTagCommand.self,
        ]
    )
}
