import ArgumentParser

/// The root of the command tree; each subcommand lives in its own file.
public struct BerthCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "berth",
        abstract: "Bring compose stacks up and down with berth's own container runtime.",
        subcommands: [ImageCommand.self, ImagesCommand.self]
    )

    public init() {}
}
