import ArgumentParser
import BerthDriver
import BerthPlan
import BerthRuntime
import BerthState
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

    struct Row: Encodable {
        var name: String
        var image: String
        var command: String
        var service: String
        var state: String
        var health: String
        var exitCode: Int32?
        var status: String
        var ports: String

        enum CodingKeys: String, CodingKey {
            case name = "Name", image = "Image", command = "Command", service = "Service", state = "State"
            case health = "Health", exitCode = "ExitCode", status = "Status", ports = "Publishers"
        }
    }

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let state = try context.store.load(project: context.project) ?? ProjectState(name: context.project)
        let daemon = NetworkDaemonControl(root: context.root, project: context.project)
        if daemon.isDown(
            pid: state.networkDaemonPid, containers: state.containers.count, networks: state.networks.count)
        {
            // On stderr, so the listing stays parseable.
            let log = DriverPaths(root: context.root).daemonLog(project: context.project)
            Terminal.writeError("warning: \(PlanRenderer.networkDaemonDown(log: log))\n")
        }
        var rows: [Row] = []
        for record in state.containers.sorted(by: { $0.name < $1.name })
        where only.isEmpty || only.contains(record.service) {
            let current = try? context.runtime.state(id: record.runtimeID)
            let running = current?.status == .running || current?.status == .restarting
            if !all && !running { continue }
            rows.append(Self.row(record, current))
        }
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

    static func row(_ record: ContainerRecord, _ current: BerthRuntime.ContainerState?) -> Row {
        let image = record.definition.first { $0.path == "image" }?.value ?? ""
        var command = record.definition.filter { $0.path.hasPrefix("command[") }.map(\.value).joined(separator: " ")
        if command.count > 30 { command = String(command.prefix(29)) + "…" }
        let ports = (record.details?.ports ?? []).map {
            "\($0.hostIP):\($0.hostPort)->\($0.targetPort)/\($0.transport)"
        }
        .joined(separator: ", ")
        var status: String
        let stateText: String
        switch current?.status {
        case .running?:
            stateText = "running"
            status = "Up \(Self.ago(current?.startedAt))"
            if let health = current?.health { status += " (\(health.rawValue))" }
        case .restarting?:
            stateText = "restarting"
            status = "Restarting (\(current?.exitCode ?? 0))"
        case .exited?:
            stateText = "exited"
            status = "Exited (\(current?.exitCode ?? -1)) \(Self.ago(current?.finishedAt)) ago"
        case .created?:
            stateText = "created"
            status = "Created"
        case nil:
            stateText = "dead"
            status = "Dead (no runtime state)"
        }
        return Row(
            name: record.name, image: image, command: command.isEmpty ? "" : "\"\(command)\"", service: record.service,
            state: stateText, health: current?.health?.rawValue ?? "", exitCode: current?.exitCode, status: status,
            ports: ports)
    }

    static func ago(_ timestamp: String?) -> String {
        guard let timestamp else { return "" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = formatter.date(from: timestamp) ?? plain.date(from: Self.trimmedFraction(timestamp)) else {
            return timestamp
        }
        let seconds = Int(max(0, Date().timeIntervalSince(date)))
        if seconds < 60 { return "\(seconds) second\(seconds == 1 ? "" : "s")" }
        if seconds < 3600 { return "\(seconds / 60) minute\(seconds / 60 == 1 ? "" : "s")" }
        return "\(seconds / 3600) hour\(seconds / 3600 == 1 ? "" : "s")"
    }

    /// RFC 3339 with nanoseconds is more than ISO8601DateFormatter reads; drop the fraction.
    static func trimmedFraction(_ text: String) -> String {
        guard let dot = text.firstIndex(of: ".") else { return text }
        let rest = text[dot...].drop { $0 == "." || $0.isNumber }
        return String(text[..<dot]) + rest
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
