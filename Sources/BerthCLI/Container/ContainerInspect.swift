import ArgumentParser
import BerthSession
import Foundation

/// `berth container inspect`: the recorded state of containers as JSON, including the last
/// healthcheck results (`healthLog`), so "why is it unhealthy" has an answer.
struct ContainerInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print containers' state (status, exit, health and its log) as JSON.")
    @OptionGroup var rootOptions: RootOptions
    @Argument var ids: [String]

    func run() throws {
        let runtime = Runtime(root: rootOptions.resolvedRoot(environment: ProcessInfo.processInfo.environment))
        let states = try ids.map { id in try runtime.state(id: id) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(states), as: UTF8.self))
    }
}
