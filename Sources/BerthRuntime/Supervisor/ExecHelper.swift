import BerthEncoding
import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A command to run inside a running container (`exec`, and healthchecks).
public struct ExecSpec: Codable, Sendable, Equatable {
    public var arguments: [String]
    /// KEY=VALUE entries added to (and overriding) the container's environment.
    public var environment: [String] = []
    public var user: String?
    public var workingDirectory: String?
    /// `-i`: the command reads the caller's stdin (relayed through a pipe, or the pty with
    /// `-t`); otherwise its stdin is /dev/null.
    public var interactive = true
    /// `-t`: the command gets a pseudo-terminal of the container's devpts as its controlling
    /// terminal, relayed to the caller's stdin/stdout.
    public var terminal = false

    public init(arguments: [String]) { self.arguments = arguments }
}

/// `berth-supervisor exec`: a fresh single-threaded process that joins the container's cgroup
/// and namespaces (mount last), forks into its PID namespace and applies the same identity,
/// capabilities and seccomp filter as the container's own process. Its exit code is the
/// command's.
enum ExecHelper {
    static let namespaces: [(String, Int32)] = [
        ("ipc", Kernel.cloneNewIPC), ("uts", Kernel.cloneNewUTS), ("net", Kernel.cloneNewNet),
        ("pid", Kernel.cloneNewPID), ("cgroup", Kernel.cloneNewCgroup), ("mnt", Kernel.cloneNewNS),
    ]

    static func main(root: String, id: String, json: String) -> Int32 {
        do {
            return try run(root: root, id: id, json: json)
        } catch {
            let message = "berth exec: \(error)\n"
            _ = try? FileDescriptor.standardError.writeAll(Array(message.utf8))
            return 126
        }
    }

    static func run(root: String, id: String, json: String) throws(RuntimeError) -> Int32 {
        let paths = ContainerPaths(root: root, id: id)
        let exec: ExecSpec
        let spec: ContainerSpec
        let state: ContainerState
        do {
            exec = try JSONCoding.decode(ExecSpec.self, from: Array(json.utf8))
            spec = try JSONCoding.decode(ContainerSpec.self, from: try FileSystemCalls.readFile(paths.config))
            state = try JSONCoding.decode(ContainerState.self, from: try FileSystemCalls.readFile(paths.state))
        } catch {
            throw .notFound(id: id)
        }
        guard state.status == .running, let pid = state.pid else {
            throw .conflict("container \(id) is not running (status \(state.status.rawValue))")
        }
        let lastCapability = Supervisor.readLastCapability()
        let capabilities = try CapabilitySet.resolveForThisHost(spec.security, lastCapability: lastCapability)
        let seccomp: [UInt8]? =
            spec.security.privileged || spec.security.seccomp == .unconfined
            ? nil : try system { () throws(SystemCallError) in try FileSystemCalls.readFile(paths.seccomp) }
        try system { () throws(SystemCallError) in
            try Credentials.prctl(Kernel.prSetDumpable, 0)
            var joins: [(FileDescriptor, Int32)] = []
            defer { joins.forEach { $0.0.close() } }
            for (name, type) in namespaces {
                let theirs = readLink("/proc/\(pid)/ns/\(name)")
                if theirs == nil || theirs == readLink("/proc/self/ns/\(name)") { continue }
                joins.append((try FileDescriptor.open("/proc/\(pid)/ns/\(name)", O_RDONLY), type))
            }
            let cgroup = Cgroup(id: id)
            if cgroup.joinsItself { try cgroup.joinSelf() } else { try cgroup.add(getpid()) }
            for (fd, type) in joins { try Namespace.setns(fd, type: type) }
            try ProcessControl.changeDirectory("/")
        }
        // Opened after joining the mount namespace, so the pair belongs to the container's own
        // devpts and `tty` inside prints a /dev/pts path that exists there.
        let pty = try exec.terminal ? system { () throws(SystemCallError) in try Terminal.openPair() } : nil
        // Without a pty the command gets pipes to this helper, never the caller's own
        // descriptors: a terminal among them would let it push keystrokes into the caller's
        // shell (TIOCSTI) and outlive the exec through a background process.
        let pipes =
            try exec.terminal
            ? nil : system { () throws(SystemCallError) in try PipeRelay.make(interactive: exec.interactive) }
        let passwd = (try? FileSystemCalls.readFile("/etc/passwd")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let group = (try? FileSystemCalls.readFile("/etc/group")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let user = try ResolvedUser.resolve(exec.user ?? spec.process.user, passwd: passwd, group: group)
        var environment = spec.process.environment
        for entry in exec.environment {
            let key = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
            environment.removeAll { $0.hasPrefix(key + "=") }
            environment.append(entry)
        }
        if !environment.contains(where: { $0.hasPrefix("HOME=") }) { environment.append("HOME=\(user.home)") }
        let finalizer = ProcessFinalizer(
            user: user, capabilities: capabilities, lastCapability: lastCapability,
            noNewPrivileges: spec.security.noNewPrivileges, seccomp: seccomp,
            workingDirectory: exec.workingDirectory ?? spec.process.workingDirectory, environment: environment,
            arguments: exec.arguments)
        var set = sigset_t()
        sigemptyset(&set)
        for signal in MinimalInit.forwarded + [SIGCHLD] { sigaddset(&set, signal) }
        sigprocmask(SIG_BLOCK, &set, nil)
        let child = fork()
        if child < 0 { throw .system(SystemCallError("fork", "exec child")) }
        if child == 0 {
            sigprocmask(SIG_UNBLOCK, &set, nil)
            do {
                try system { () throws(SystemCallError) in
                    if let pty {
                        let slave = try FileDescriptor.open(pty.slavePath, O_RDWR)
                        try Terminal.becomeControllingTerminal(slave)
                        for target in 0..<3 where dup2(slave.rawValue, Int32(target)) < 0 {
                            throw SystemCallError("dup2", "\(slave.rawValue), \(target)")
                        }
                        if slave.rawValue > 2 { slave.close() }
                    } else if let (_, ends) = pipes {
                        // Its own session, without a controlling terminal: opening /dev/tty
                        // must not reach the caller's terminal either.
                        try retryingOnInterrupt("setsid", "") { setsid() }
                        for (target, end) in [ends.input, ends.output, ends.errors].enumerated()
                        where dup2(end.rawValue, Int32(target)) < 0 {
                            throw SystemCallError("dup2", "\(end.rawValue), \(target)")
                        }
                    }
                }
                try finalizer.finishAndExecute()
            } catch {
                _ = try? FileDescriptor.standardError.writeAll(Array("berth exec: \(error)\n".utf8))
                if case .setupFailed = error { _exit(127) }
                if case .system(let e) = error, e.call == "execve", e.errno == .noEntry { _exit(127) }
                _exit(126)
            }
        }
        if let pty {
            return TerminalRelay(master: pty.master, child: child, interactive: exec.interactive).run(signals: set)
        }
        guard let (relay, ends) = pipes else { return 126 }
        [ends.input, ends.output, ends.errors].forEach { $0.close() }
        // A caller that stops reading must not kill the relay; the write fails with EPIPE.
        signal(SIGPIPE, SIG_IGN)
        return relay.run(child: child, signals: set)
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
