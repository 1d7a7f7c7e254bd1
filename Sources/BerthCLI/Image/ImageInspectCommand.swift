import ArgumentParser
import BerthSession
import Foundation

struct ImageInspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show an image's details as JSON.")

    @OptionGroup var rootOptions: RootOptions

    @Argument(help: ArgumentHelp("Image name, ID or digest.", valueName: "image"))
    var images: [String]

    func run() async throws {
        let outputs = try rootOptions.host.images.inspect(images)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(outputs), as: UTF8.self))
    }
}
