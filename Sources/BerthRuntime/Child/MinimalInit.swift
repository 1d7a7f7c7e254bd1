import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `init: true`: PID 1 stays in the supervisor's image (no binary is placed into the container,
/// so nothing of the host is reachable through the rootfs and no libraries are needed there). It
/// forks the real process, forwards the usual termination signals to it, reaps every zombie and
/// exits with the process's status. Signals are taken synchronously with sigwaitinfo, so there
/// are no handlers and no shared state.
enum MinimalInit {
    static let forwarded: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]

    static func run(finalizer: ProcessFinalizer, sync: FileDescriptor) throws(RuntimeError) -> Never {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in forwarded + [SIGCHLD] { sigaddset(&set, signal) }
        sigprocmask(SIG_BLOCK, &set, nil)
        _ = try? Credentials.prctl(Kernel.prSetDumpable, 0)
        let child = fork()
        if child < 0 { throw .system(SystemCallError("fork", "init child")) }
        if child == 0 {
            sigprocmask(SIG_UNBLOCK, &set, nil)
            try finalizer.finishAndExecute()
        }
        // Nothing of the supervisor (log file, control socket, pipes) stays open in PID 1, and
        // its arguments (host paths) do not show in /proc/1/cmdline.
        sync.close()
        ProcessTitle.replace(with: [ProcessTitle.initPath, "--"] + finalizer.arguments)
        _ = try? FileSystemCalls.closeRange(from: 0)
        while true {
            var info = siginfo_t()
            let signal = sigwaitinfo(&set, &info)
            if signal == SIGCHLD {
                while let (pid, status) = try? ProcessControl.wait(-1, options: WNOHANG) {
                    if pid == child { _exit(status.code) }
                }
            } else if signal > 0 {
                kill(child, signal)
            }
        }
    }
}
