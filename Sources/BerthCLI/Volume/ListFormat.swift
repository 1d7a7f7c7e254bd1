import ArgumentParser
import Foundation

/// JSON for `--format json` of the volume and network commands.
enum JSONOutput {
    /// Pretty, key-sorted JSON for `--format json`.
    static func render(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

/// `table` for people, `json` for scripts (`berth volume ls`, `berth network ls`, inspect).
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}
