import BerthRuntime
import BerthSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts, signals and stops a project's network daemon (`berth __netd`), which runs
/// detached in its own session like the container supervisors. The recorded pid is the
/// daemon's supervisor (`berth-supervisor netd`, `DaemonSupervisor`), which restarts the daemon proper when it
/// dies; signals sent here reach the daemon through it.
public struct NetworkDaemonControl: Sendable {
    public let root: String
    public let project: String

    public init(root: String, project: String) {
        self.root = root
        self.project = project
    }

    public func start(executable: String) throws -> Int32 {
        let log = DriverPaths(root: root).daemonLog(project: project)
        try FileManager.default.createDirectory(
            atPath: (log as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Files an interrupted write left behind (see AtomicFile) are removed by each start.
        AtomicFile.removeStaleTemporaries(in: (log as NSString).deletingLastPathComponent)
        return try DetachedSpawn.spawn(
            Runtime(root: root).supervisorPath, arguments: ["netd", log, executable, root, project], logPath: log)
    }

    /// The project needs a daemon (it has containers or networks) and none runs: DNS is down
    /// and published ports no longer follow replicas and health until a command starts one.
    public func isDown(pid: Int32?, containers: Int, networks: Int) -> Bool {
        guard containers > 0 || networks > 0 else { return false }
        return !(pid.map(isRunning) ?? false)
    }

    /// Alive and really this project's network daemon or its supervisor (not a recycled pid);
    /// reaps it if it is our exited child.
    public func isRunning(pid: Int32) -> Bool {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        guard kill(pid, 0) == 0 else { return false }
        guard let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let supervisor = arguments.count == 6 && arguments[1] == "netd" && arguments[5] == project
        let daemon =
            arguments.contains("__netd")
            && arguments.firstIndex(of: "--project").map { index in
                index + 1 < arguments.count && arguments[index + 1] == project
            } == true
        guard supervisor || daemon else { return false }
        if let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
            let text = String(data: stat, encoding: .utf8), let close = text.lastIndex(of: ")")
        {
            let fields = text[text.index(after: close)...].split(separator: " ")
            if fields.first == "Z" { return false }
        }
        return true
    }

    /// A daemon that is not ready yet has not read the project either, so it needs no signal.
    public func reload(pid: Int32) {
        let ready = FileManager.default.contents(atPath: DriverPaths(root: root).daemonReady(project: project))
        guard let ready, String(decoding: ready, as: UTF8.self) == String(pid) else { return }
        kill(pid, SIGHUP)
    }

    /// Asks the daemon to re-read the project and waits (bounded) until it has applied
    /// everything written before this call, so a command returns only once its published
    /// ports and names are served.
    public func synchronize(pid: Int32, timeout: Duration = .seconds(5)) {
        let paths = DriverPaths(root: root)
        let token = UUID().uuidString
        try? AtomicFile.write(paths.daemonRequest(project: project), token, durable: false)
        reload(pid: pid)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var resent = false
        while clock.now < deadline, isRunning(pid: pid) {
            if let applied = FileManager.default.contents(atPath: paths.daemonApplied(project: project)),
                String(decoding: applied, as: UTF8.self) == token
            {
                return
            }
            if !resent, clock.now > deadline - timeout / 2 {
                reload(pid: pid)
                resent = true
            }
            usleep(10_000)
        }
    }

    /// The handshake files of a daemon that is gone.
    public func removeFiles() {
        let paths = DriverPaths(root: root)
        for file in [
            paths.daemonReady(project: project), paths.daemonRequest(project: project),
            paths.daemonApplied(project: project),
        ] {
            unlink(file)
        }
    }

    /// SIGTERM, then SIGKILL after two seconds; returns when it is gone, so its ports are free.
    public func stop(pid: Int32) {
        guard isRunning(pid: pid) else { return }
        kill(pid, SIGTERM)
        for step in 0..<300 {
            if !isRunning(pid: pid) { return }
            if step == 200 { kill(pid, SIGKILL) }
            usleep(10_000)
        }
    }
}
