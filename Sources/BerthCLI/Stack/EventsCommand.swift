import ArgumentParser
import BerthSession
import Foundation

/// `berth events [--follow]`: what berth did to the project (creates, starts, stops,
/// failures), one JSON object per line, for scripts.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Print what berth did to the project, as JSON lines.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Flag(name: .long, help: "Keep printing new events until interrupted.") var follow = false

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let path = context.session().eventLogPath
        var offset: UInt64 = 0
        repeat {
            if let handle = FileHandle(forReadingAtPath: path) {
                let size = (try? handle.seekToEnd()) ?? 0
                if size < offset { offset = 0 }  // rotated
                try? handle.seek(toOffset: offset)
                if let data = try? handle.readToEnd(), !data.isEmpty {
                    offset += UInt64(data.count)
                    FileHandle.standardOutput.write(data)
                }
                try? handle.close()
            }
            if follow { try await Task.sleep(for: .milliseconds(250)) }
        } while follow
    }
}
