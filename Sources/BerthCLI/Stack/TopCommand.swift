import ArgumentParser
import Foundation

/// `berth top [SERVICE…]`: the processes of each running container, found as the host
/// processes that share the container's PID namespace.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "top", abstract: "Show the processes of containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        var out = ""
        for container in try context.containers(of: services) {
            guard let state = try? context.runtime.state(id: container.runtimeID), state.status == .running,
                let pid = state.pid, let namespace = Self.pidNamespace(of: pid)
            else { continue }
            let rows = Self.processes().filter { Self.pidNamespace(of: $0.pid) == namespace }
            out += "\(container.name)\n"
            out += TextTable.render(
                [["UID", "PID", "PPID", "CMD"]]
                    + rows.map { [String($0.uid), String($0.pid), String($0.ppid), $0.command] })
            out += "\n"
        }
        Terminal.writeOutput(out)
    }

    struct HostProcess {
        var pid: Int32
        var ppid: Int32
        var uid: UInt32
        var command: String
    }

    static func pidNamespace(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/pid")
    }

    /// Every host process, read from /proc (a process that exits while being read is skipped).
    static func processes() -> [HostProcess] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(Int32.init).sorted().compactMap { pid -> HostProcess? in
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else { return nil }
            var ppid: Int32 = 0
            var uid: UInt32 = 0
            for line in status.split(separator: "\n") {
                let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
                if line.hasPrefix("PPid:"), fields.count > 1 { ppid = Int32(fields[1]) ?? 0 }
                if line.hasPrefix("Uid:"), fields.count > 1 { uid = UInt32(fields[1]) ?? 0 }
            }
            let command = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            return HostProcess(pid: pid, ppid: ppid, uid: uid, command: command)
        }
    }
}
