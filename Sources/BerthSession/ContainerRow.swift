import BerthDriver
import BerthPlan
import BerthRuntime
import BerthState
import Foundation

/// One line of `ps`: a recorded container with what the runtime says about it now.
public struct ContainerRow: Encodable, Sendable {
    public var name: String
    public var image: String
    public var command: String
    public var service: String
    public var state: String
    public var health: String
    public var exitCode: Int32?
    public var status: String
    public var ports: String
    /// Running or restarting (what `ps` without `-a` shows).
    public var isRunning: Bool

    enum CodingKeys: String, CodingKey {
        case name = "Name", image = "Image", command = "Command", service = "Service", state = "State"
        case health = "Health", exitCode = "ExitCode", status = "Status", ports = "Publishers"
    }
}

extension StackSession {
    /// `ps`: the project's containers of `services` (all when empty), sorted by name, and
    /// the notice to show when the project's network daemon should run and does not.
    public func containerListing(services: [String] = []) throws -> (
        rows: [ContainerRow], networkDaemonDown: String?
    ) {
        let runtime = Runtime(root: host.root)
        let state = try StateStore(root: host.root).load(project: project) ?? ProjectState(name: project)
        let daemon = NetworkDaemonControl(root: host.root, project: project)
        var notice: String?
        if daemon.isDown(
            pid: state.networkDaemonPid, containers: state.containers.count, networks: state.networks.count)
        {
            notice = PlanRenderer.networkDaemonDown(log: DriverPaths(root: host.root).daemonLog(project: project))
        }
        let rows = state.containers.sorted { $0.name < $1.name }
            .filter { services.isEmpty || services.contains($0.service) }
            .map { ContainerRow.make($0, try? runtime.state(id: $0.runtimeID)) }
        return (rows, notice)
    }
}

extension ContainerRow {
    static func make(_ record: ContainerRecord, _ current: BerthRuntime.ContainerState?) -> ContainerRow {
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
        return ContainerRow(
            name: record.name, image: image, command: command.isEmpty ? "" : "\"\(command)\"", service: record.service,
            state: stateText, health: current?.health?.rawValue ?? "", exitCode: current?.exitCode, status: status,
            ports: ports, isRunning: current?.status == .running || current?.status == .restarting)
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
