import ArgumentParser
import BerthSession
import Foundation

/// `berth ps`: the project's containers with status, health and published ports.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List the stack's containers.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Flag(name: .shortAndLong, help: "Also show stopped containers.") var all = false
    @Flag(help: "Print service names only.") var services = false
    @Flag(name: .shortAndLong, help: "Print container names only.") var quiet = false
    @Option(help: "text or json.") var format: OutputFormat = .text
    @Argument(help: "Services (default: all).") var only: [String] = []

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let listing = try context.session().containerListing(services: only)
        if let notice = listing.networkDaemonDown {
            // On stderr, so the listing stays parseable.
            Terminal.writeError("warning: \(notice)\n")
        }
        let rows = listing.rows.filter { all || $0.isRunning }
        if services {
            for service in Set(rows.map(\.service)).sorted() { Terminal.writeOutput(service + "\n") }
            return
        }
        if quiet {
            for row in rows { Terminal.writeOutput(row.name + "\n") }
            return
        }
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Terminal.writeOutput(String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n")
            return
        }
        let table =
            [["NAME", "IMAGE", "COMMAND", "SERVICE", "STATUS", "PORTS"]]
            + rows.map { [$0.name, $0.image, $0.command, $0.service, $0.status, $0.ports] }
        Terminal.writeOutput(TextTable.render(table))
    }
}

/// Left-aligned columns separated by three spaces, as compose prints them.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 3)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
