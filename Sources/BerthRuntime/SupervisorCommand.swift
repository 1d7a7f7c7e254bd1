import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The `berth-supervisor` executable's modes. Kept in the library so its logic is testable and
/// the executable stays a one-line main.
public enum SupervisorCommand {
    public static func main(_ arguments: [String]) -> Int32 {
        let usage =
            "usage: berth-supervisor run ROOT ID | exec ROOT ID EXEC-JSON | netd LOG BERTH ROOT PROJECT\n"
        guard arguments.count >= 4 else {
            _ = try? FileDescriptor.standardError.writeAll(Array(usage.utf8))
            return 2
        }
        switch arguments[1] {
        case "run":
            let ready = FileDescriptor(rawValue: 3)
            _ = try? FileSystemCalls.closeRange(from: 4)
            // Detach from the spawning CLI: the spawned process exits at once (the CLI reaps
            // it) and the supervisor continues as an orphan, so no CLI ever holds it as a
            // child or a zombie. Safe to fork: this process is single-threaded.
            let child = fork()
            if child < 0 {
                _ = try? ready.writeAll(Array("fork failed: \(Errno.current)".utf8))
                return 1
            }
            if child > 0 { _exit(0) }
            return Supervisor.main(root: arguments[2], id: arguments[3], ready: ready)
        case "exec" where arguments.count == 5:
            _ = try? FileSystemCalls.closeRange(from: 3)
            return ExecHelper.main(root: arguments[2], id: arguments[3], json: arguments[4])
        case "netd" where arguments.count == 6:
            _ = try? FileSystemCalls.closeRange(from: 3)
            let (log, berth, root, project) = (arguments[2], arguments[3], arguments[4], arguments[5])
            return DaemonSupervisor(
                program: berth, arguments: ["__netd", "--root", root, "--project", project], logPath: log,
                project: project
            ).run()
        default:
            _ = try? FileDescriptor.standardError.writeAll(Array(usage.utf8))
            return 2
        }
    }
}
