import ArgumentParser
import BerthSession
import Foundation

/// `berth image ls` and `berth images`.
struct ImageListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List stored images.", aliases: ["list"])

    @OptionGroup var options: ImageListOptions

    func run() async throws { try options.run() }
}

struct ImagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "images", abstract: "List stored images.")

    @OptionGroup var options: ImageListOptions

    func run() async throws { try options.run() }
}

struct ImageListOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var rootOptions: RootOptions

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    @Flag(name: [.customShort("q"), .long], help: "Only print image IDs.")
    var quiet = false

    func run() throws {
        let rows = try rootOptions.host.images.list()
        if quiet {
            var seen: Set<String> = []
            for row in rows where seen.insert(row.ID).inserted { print(String(row.ID.dropFirst(7).prefix(12))) }
            return
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        case .table:
            let now = Date()
            var lines = [["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]]
            for row in rows {
                lines.append([
                    row.Repository, row.Tag, String(row.ID.dropFirst(7).prefix(12)),
                    RelativeTime.describe(row.Created, now: now),
                    ByteCount.format(row.Size),
                ])
            }
            let widths = (0..<5).map { column in lines.map { $0[column].count }.max() ?? 0 }
            for line in lines {
                let padded = line.enumerated().map { index, cell in
                    index == 4 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
                }
                print(padded.joined())
            }
        }
    }
}

enum RelativeTime {
    /// `3 hours ago`, from an RFC 3339 timestamp; `N/A` when the image has none.
    static func describe(_ timestamp: String, now: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = formatter.date(from: timestamp) ?? plain.date(from: timestamp) else { return "N/A" }
        let seconds = Int(now.timeIntervalSince(date))
        let steps: [(Int, String)] = [
            (31_536_000, "year"), (2_592_000, "month"), (604_800, "week"), (86400, "day"), (3600, "hour"),
            (60, "minute"),
        ]
        for (size, name) in steps where seconds >= size {
            let count = seconds / size
            return "\(count) \(name)\(count == 1 ? "" : "s") ago"
        }
        return seconds < 2 ? "Less than a second ago" : "\(seconds) seconds ago"
    }
}
