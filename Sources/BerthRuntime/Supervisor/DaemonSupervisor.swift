import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `berth-supervisor netd`: the process recorded as a project's network daemon. It starts the
/// daemon proper (`berth __netd`) and restarts it with `RestartBackoff` when it dies, so DNS and
/// published ports come back without anyone running a command. Single purpose and
/// single-threaded, in the small Foundation-free supervisor binary (about 3 MB resident instead
/// of the ~30 MB a second `berth` process takes): it only spawns, forwards SIGHUP, stops on
/// SIGTERM, and logs every exit of the daemon with its cause to the project's `netd.log`. A
/// daemon exiting with 0 has nothing left to serve, and the supervisor exits with it.
public struct DaemonSupervisor {
    let program: String
    let arguments: [String]
    let logPath: String
    let project: String

    public init(program: String, arguments: [String], logPath: String, project: String) {
        self.program = program
        self.arguments = arguments
        self.logPath = logPath
        self.project = project
    }

    public func run() -> Int32 {
        do {
            try SignalInbox.install([SIGCHLD, SIGTERM, SIGINT, SIGHUP])
        } catch {
            log("cannot install signal handlers: \(error)")
            return 1
        }
        let clock = ContinuousClock()
        let start = clock.now
        func now() -> Int64 {
            let elapsed = (clock.now - start).components
            return elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        }
        var backoff = RestartBackoff()
        var worker: pid_t?
        var startedAt: Int64 = 0
        var restartAt: Int64? = 0
        log("supervising the network daemon of project \(project)")
        while true {
            if worker == nil, let due = restartAt, now() >= due {
                restartAt = nil
                startedAt = now()
                do {
                    worker = try DetachedSpawn.spawn(program, arguments: arguments, logPath: logPath)
                } catch {
                    guard let delay = backoff.failed(at: now(), ranFor: 0) else {
                        log("giving up: cannot start the network daemon: \(error); `berth up` tries again")
                        return 1
                    }
                    log("cannot start the network daemon: \(error); retrying in \(delay) ms")
                    restartAt = now() + delay
                }
            }
            let wait = restartAt.map { max(1, $0 - now()) } ?? 1000
            let arrived = SignalInbox.next(milliseconds: min(wait, 1000))
            if arrived.contains(SIGTERM) || arrived.contains(SIGINT) {
                if let worker { stop(worker) }
                log("stopped on request")
                return 0
            }
            if arrived.contains(SIGHUP), let worker { kill(worker, SIGHUP) }
            guard let pid = worker, let (_, status) = try? ProcessControl.wait(pid, options: WNOHANG) else { continue }
            worker = nil
            let ran = now() - startedAt
            if status == .exited(0) {
                log("the network daemon (pid \(pid)) finished; exiting")
                return 0
            }
            guard let delay = backoff.failed(at: now(), ranFor: ran) else {
                log(
                    "giving up: the network daemon (pid \(pid)) \(Self.describe(status)), "
                        + "\(RestartBackoff.maxFailures) failures within \(RestartBackoff.window / 1000) s; "
                        + "DNS is down and published ports no longer follow replicas and health until `berth up` starts it again"
                )
                return 1
            }
            log("the network daemon (pid \(pid)) \(Self.describe(status)) after \(ran) ms; restarting in \(delay) ms")
            restartAt = now() + delay
        }
    }

    /// SIGTERM, SIGKILL after two seconds; returns once it is reaped, so its ports are free.
    private func stop(_ pid: pid_t) {
        kill(pid, SIGTERM)
        for step in 0..<300 {
            do {
                if try ProcessControl.wait(pid, options: WNOHANG) != nil { return }
            } catch {
                return
            }
            if step == 200 { kill(pid, SIGKILL) }
            usleep(10_000)
        }
    }

    static func describe(_ status: ExitStatus) -> String {
        switch status {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal): return "was killed by signal \(signal) (\(String(cString: strsignal(signal))))"
        }
    }

    private func log(_ message: String) {
        _ = try? FileDescriptor.standardError.writeAll(Array("berth netd supervisor[\(getpid())]: \(message)\n".utf8))
    }
}
