import BerthEncoding
import BerthSystem
import CBerthShims

#if canImport(Glibc)
    import Glibc
#endif

/// The per-container monitor process (`berth-supervisor run`). Single-threaded on purpose: it
/// clones the container with plain fork semantics, which is only safe without other threads.
/// It owns the container's lifetime: start, exit status, logs, restarts and the control socket.
final class Supervisor {
    let paths: ContainerPaths
    let spec: ContainerSpec
    let cgroup: Cgroup
    let capabilities: CapabilitySet
    let lastCapability: Int
    let seccomp: [UInt8]?
    var state: ContainerState
    let logs: LogWriter
    var containerPid: pid_t = 0
    var oomBaseline = 0
    var stdoutPipe: (read: FileDescriptor, write: FileDescriptor)
    var stderrPipe: (read: FileDescriptor, write: FileDescriptor)
    let devNull: FileDescriptor
    var listener: FileDescriptor?
    var signalFD: FileDescriptor
    var waiters: [FileDescriptor] = []
    var stopDeadline: Int64?
    var restartDeadline: Int64?
    var consecutiveFailures = 0
    var startedAtMonotonic: Int64 = 0
    var health: HealthMonitor?
    /// `tty: true`: the current start's pty master; its output is logged as stdout.
    var terminalMaster: FileDescriptor?
    var exitRequested = false

    init(root: String, id: String) throws(RuntimeError) {
        paths = ContainerPaths(root: root, id: id)
        do {
            spec = try JSONCoding.decode(ContainerSpec.self, from: try FileSystemCalls.readFile(paths.config))
        } catch {
            throw .invalidSpec("\(paths.config): \(error)")
        }
        lastCapability = Supervisor.readLastCapability()
        capabilities = try CapabilitySet.resolveForThisHost(spec.security, lastCapability: lastCapability)
        seccomp = try Supervisor.seccompProgram(spec, capabilities: capabilities, paths: paths)
        cgroup = Cgroup(id: id)
        state =
            (try? JSONCoding.decode(ContainerState.self, from: try FileSystemCalls.readFile(paths.state)))
            ?? ContainerState(id: id)
        state.supervisorPid = getpid()
        state.stoppedByUser = false
        state.error = nil
        logs = LogWriter(path: paths.log, maxBytes: spec.logging.maxBytes, maxFiles: spec.logging.maxFiles)
        let setup = try system { () throws(SystemCallError) in
            var out: [Int32] = [0, 0]
            var err: [Int32] = [0, 0]
            guard berth_pipe2(&out, O_CLOEXEC | O_NONBLOCK) == 0 else { throw SystemCallError("pipe2", "stdout") }
            guard berth_pipe2(&err, O_CLOEXEC | O_NONBLOCK) == 0 else { throw SystemCallError("pipe2", "stderr") }
            // The container's ends must block: only the supervisor's read ends are non-blocking.
            _ = fcntl(out[1], F_SETFL, 0)
            _ = fcntl(err[1], F_SETFL, 0)
            let null = try FileDescriptor.open("/dev/null", O_RDWR)
            var mask = sigset_t()
            sigemptyset(&mask)
            sigaddset(&mask, SIGCHLD)
            sigprocmask(SIG_BLOCK, &mask, nil)
            let sfd = berth_signalfd(&mask)
            guard sfd >= 0 else { throw SystemCallError("signalfd", "SIGCHLD") }
            return (out, err, null, FileDescriptor(rawValue: sfd))
        }
        stdoutPipe = (FileDescriptor(rawValue: setup.0[0]), FileDescriptor(rawValue: setup.0[1]))
        stderrPipe = (FileDescriptor(rawValue: setup.1[0]), FileDescriptor(rawValue: setup.1[1]))
        devNull = setup.2
        signalFD = setup.3
        signal(SIGPIPE, SIG_IGN)
    }

    static func readLastCapability() -> Int {
        let text = (try? FileSystemCalls.readFile("/proc/sys/kernel/cap_last_cap")).map {
            String(decoding: $0, as: UTF8.self)
        }
        return text.flatMap { Int($0.split(separator: "\n").first ?? "") } ?? 40
    }

    static func seccompProgram(_ spec: ContainerSpec, capabilities: CapabilitySet, paths: ContainerPaths)
        throws(RuntimeError) -> [UInt8]?
    {
        if spec.security.privileged { return nil }
        let bytes: [UInt8]
        switch spec.security.seccomp {
        case .unconfined: return nil
        case .defaultProfile:
            let profile: () throws(RuntimeError) -> SeccompProfile = { .containerDefault }
            // Without the executable's identity the profile itself (as JSON) is the identity.
            let identity: String
            if let executable = SeccompCompiler.defaultProfileIdentity() {
                identity = executable
            } else {
                do {
                    identity = "profile|" + (try JSONCoding.encodeString(SeccompProfile.containerDefault))
                } catch {
                    throw .seccomp("cannot serialise the default profile: \(error)")
                }
            }
            bytes = try SeccompCompiler.compiled(
                identity: identity, capabilities: capabilities, cacheDirectory: paths.seccompCache, profile: profile)
        case .profile(let source, let json):
            // The text as given is the identity: parsed (and checked) only when not cached.
            bytes = try SeccompCompiler.compiled(
                identity: "profile|" + json, capabilities: capabilities, cacheDirectory: paths.seccompCache
            ) { () throws(RuntimeError) in try SeccompProfile.parse(json: json, source: source) }
        }
        // exec and healthchecks install the same program; a plain copy (the cache entry has a
        // header), rewritten on every start, so not fsync'd.
        try system { () throws(SystemCallError) in try AtomicFile.write(paths.seccomp, bytes, durable: false) }
        return bytes
    }

    /// Replaces state.json atomically. Not fsync'd here: the final record is synced by
    /// `syncState` once waiters have their answer, so a CLI waiting on the exit does not also
    /// wait for the disk.
    func saveState() {
        guard let text = try? JSONCoding.encodeString(state) else { return }
        try? AtomicFile.write(paths.state, text, durable: false)
    }

    /// Makes the last state.json (and its rename) durable.
    func syncState() {
        for path in [paths.state, paths.directory] {
            if let fd = try? FileDescriptor.open(path, O_RDONLY) {
                try? fd.sync()
                fd.close()
            }
        }
    }

    /// Prepares the per-container directories and files that survive restarts.
    func prepare() throws(RuntimeError) {
        // Recorded before any kernel object exists, so a CLI that finds the container still
        // `created` knows a start is under way (its own CLI may have been killed) and waits.
        saveState()
        try system { () throws(SystemCallError) in
            for dir in [paths.upper, paths.work, paths.rootfs, paths.etc] { try FileSystemCalls.makeDirectory(dir) }
            // Not fsync'd: these files are rewritten from the spec on every start, so a crash
            // cannot leave a stale one behind that a later start would trust.
            for (name, content) in [
                ("hostname", spec.etcFiles.hostname), ("hosts", spec.etcFiles.hosts),
                ("resolv.conf", spec.etcFiles.resolvConf),
            ] {
                // World-readable: an image whose USER is not root (redis, postgres) must still
                // resolve names. Not fsync'd: they are written anew on every start.
                if let content {
                    try AtomicFile.write("\(paths.etc)/\(name)", content, durable: false, mode: 0o644)
                }
            }
            try cgroup.create(spec.resources, privileged: spec.security.privileged)
            _ = try? Credentials.prctl(Kernel.prSetDumpable, 0)
            listener = try Sockets.listen(path: paths.socket)
        }
        if let check = spec.healthcheck, check.test != .none {
            health = HealthMonitor(spec: check, paths: paths)
        }
    }

    var cloneFlags: Int32 {
        var flags = Kernel.cloneNewNS
        if spec.namespaces.pid == .private { flags |= Kernel.cloneNewPID }
        if spec.namespaces.uts == .private { flags |= Kernel.cloneNewUTS }
        if spec.namespaces.ipc == .private { flags |= Kernel.cloneNewIPC }
        if spec.namespaces.network == .private { flags |= Kernel.cloneNewNet }
        return flags
    }

    /// Clones the container child, places it in the cgroup, lets it go and waits for exec.
    func startContainer() throws(RuntimeError) {
        let (parentEnd, childEnd) = try system { () throws(SystemCallError) in try Sockets.pair() }
        oomBaseline = cgroup.oomKills()
        terminalMaster?.close()
        terminalMaster = nil
        var terminalSlave: String?
        if spec.process.terminal {
            let (master, slave) = try system { () throws(SystemCallError) in try Terminal.openPair() }
            terminalMaster = master
            terminalSlave = slave
        }
        let pid = try system { () throws(SystemCallError) in try Namespace.cloneProcess(flags: cloneFlags) }
        if pid == 0 {
            parentEnd.close()
            ContainerChild(
                spec: spec, paths: paths, sync: childEnd, stdio: [devNull, stdoutPipe.write, stderrPipe.write],
                terminal: terminalSlave, capabilities: capabilities, lastCapability: lastCapability,
                seccomp: seccomp, selfJoinedCgroup: cgroup.joinsItself ? cgroup : nil
            ).run()
        }
        childEnd.close()
        defer { parentEnd.close() }
        func childReport() -> String? {
            var buffer = [UInt8](repeating: 0, count: ContainerChild.maxReport)
            let n =
                (try? buffer.withUnsafeMutableBytes { raw in
                    Result { () throws(SystemCallError) in try parentEnd.read(into: raw) }
                }.get()) ?? 0
            return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : nil
        }
        do {
            // v1: the child moves itself first thing (Cgroup.joinsItself), without the global lock.
            if !cgroup.joinsItself { try cgroup.add(pid) }
        } catch {
            // The child may already have failed (and exited) during its filesystem setup.
            kill(pid, SIGKILL)
            let report = childReport()
            _ = try? ProcessControl.wait(pid)
            throw report.map { .reported($0) } ?? .system(error)
        }
        let go: [UInt8] = [1]
        _ = try? parentEnd.writeAll(go)
        if let report = childReport() {
            _ = try? ProcessControl.wait(pid)
            throw .reported(report)
        }
        containerPid = pid
        startedAtMonotonic = Clock.monotonicMilliseconds()
        state.status = .running
        state.pid = pid
        state.startedAt = Clock.now()
        state.finishedAt = nil
        state.exitCode = nil
        state.oomKilled = false
        health?.containerStarted(now: startedAtMonotonic, state: &state)
        saveState()
    }

    /// Entry point of `berth-supervisor run`. `ready` receives "ok" or the start error.
    static func main(root: String, id: String, ready: FileDescriptor?) -> Int32 {
        let supervisor: Supervisor
        do {
            supervisor = try Supervisor(root: root, id: id)
            try supervisor.prepare()
            try supervisor.startContainer()
        } catch {
            var failed = ContainerState(id: id)
            failed.status = .exited
            failed.exitCode = 127
            failed.error = error.description
            failed.finishedAt = Clock.now()
            if let text = try? JSONCoding.encodeString(failed) {
                try? AtomicFile.write(ContainerPaths(root: root, id: id).state, text)
            }
            try? ready?.writeAll(Array(error.description.utf8))
            ready?.close()
            return 1
        }
        try? ready?.writeAll(Array("ok".utf8))
        ready?.close()
        ResidentMemory.releaseIdleText()
        supervisor.loop()
        return 0
    }
}
