import Foundation

/// A host process that shares a container's PID namespace.
public struct HostProcess: Hashable, Sendable {
    public var pid: Int32
    public var ppid: Int32
    public var uid: UInt32
    public var command: String
}

extension StackSession {
    /// `top`: the processes of each running container of `services` (all when empty), found
    /// as the host processes that share the container's PID namespace.
    public func processes(services: [String] = []) async throws -> [(container: String, processes: [HostProcess])] {
        let all = try await host.containers(project: project)
        if let unknown = services.first(where: { name in !all.contains { $0.service == name } }) {
            throw StackError.message("service \(unknown) has no containers in project \(project)")
        }
        var result: [(container: String, processes: [HostProcess])] = []
        for container in all where services.isEmpty || services.contains(container.service) {
            guard container.status == .running, let pid = container.pid, let namespace = Self.pidNamespace(of: pid)
            else { continue }
            result.append((container.name, Self.hostProcesses().filter { Self.pidNamespace(of: $0.pid) == namespace }))
        }
        return result
    }

    static func pidNamespace(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/pid")
    }

    /// Every host process, read from /proc (a process that exits while being read is skipped).
    static func hostProcesses() -> [HostProcess] {
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
