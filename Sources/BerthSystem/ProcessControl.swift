import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// How a child ended, decoded from a wait status.
public enum ExitStatus: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)

    public init(waitStatus: Int32) {
        if berth_wifsignaled(waitStatus) != 0 {
            self = .signaled(berth_wtermsig(waitStatus))
        } else {
            self = .exited(berth_wexitstatus(waitStatus))
        }
    }

    /// The shell convention: the exit code, or 128 + signal.
    public var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}

/// Signals, waiting and the working directory.
public enum ProcessControl {
    public static func kill(_ pid: pid_t, _ signal: Int32) throws(SystemCallError) {
        try retryingOnInterrupt("kill", "\(pid), \(signal)") { Glibc.kill(pid, signal) }
    }

    /// Waits for `pid` (or any child with -1). Returns nil with WNOHANG when nothing has exited.
    public static func wait(_ pid: pid_t, options: Int32 = 0) throws(SystemCallError) -> (pid_t, ExitStatus)? {
        var status: Int32 = 0
        let result = try retryingOnInterrupt("waitpid", "\(pid), \(options)") { waitpid(pid, &status, options) }
        if result == 0 { return nil }
        return (result, ExitStatus(waitStatus: status))
    }

    public static func changeDirectory(_ path: String) throws(SystemCallError) {
        try retryingOnInterrupt("chdir", "\"\(path)\"") { chdir(path) }
    }

    public static func changeDirectory(_ fd: FileDescriptor) throws(SystemCallError) {
        try retryingOnInterrupt("fchdir", "\(fd.rawValue)") { fchdir(fd.rawValue) }
    }

    /// A pidfd: a race-free handle on a process for signalling and polling.
    public static func pidfdOpen(_ pid: pid_t) throws(SystemCallError) -> FileDescriptor {
        FileDescriptor(rawValue: try retryingOnInterrupt("pidfd_open", "\(pid)") { berth_pidfd_open(pid) })
    }

    /// Replaces the process image; returns only by throwing.
    public static func execute(_ path: String, arguments: [String], environment: [String]) -> SystemCallError {
        func cStrings(_ list: [String]) -> [UnsafeMutablePointer<CChar>?] { list.map { strdup($0) } + [nil] }
        let argv = cStrings(arguments)
        let envp = cStrings(environment)
        execve(path, argv, envp)
        let error = SystemCallError("execve", "\"\(path)\", \(arguments)")
        argv.forEach { free($0) }
        envp.forEach { free($0) }
        return error
    }
}
