import BerthEncoding
import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// berth's container runtime, as the CLI sees it. Each running container has its own
/// `berth-supervisor` process; this type only writes config, spawns supervisors and talks to
/// them over their sockets, so any number of CLIs (or none) can come and go.
public struct Runtime: Sendable {
    public let root: String
    public let supervisorPath: String

    /// `supervisorPath` defaults to BERTH_SUPERVISOR, else `berth-supervisor` next to the
    /// running executable.
    public init(root: String, supervisorPath: String? = nil) {
        self.root = root
        if let supervisorPath {
            self.supervisorPath = supervisorPath
        } else if let env = getenv("BERTH_SUPERVISOR") {
            self.supervisorPath = String(cString: env)
        } else {
            let exe = ExecHelper.readLink("/proc/self/exe") ?? "/usr/local/bin/berth"
            let dir = exe.split(separator: "/").dropLast().joined(separator: "/")
            self.supervisorPath = "/\(dir)/berth-supervisor"
        }
    }

    func paths(_ id: String) -> ContainerPaths { ContainerPaths(root: root, id: id) }

    static func validate(id: String) throws(RuntimeError) {
        let ok =
            !id.isEmpty && id.count <= 128
            && id.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D
                    || c == 0x5F
                    || c == 0x2E
            } && !id.hasPrefix(".")
        if !ok { throw .invalidSpec("container id \"\(id)\" must be 1-128 characters of [A-Za-z0-9_.-]") }
    }

    /// Records the container (config.json, state `created`) without starting it.
    public func create(id: String, spec: ContainerSpec) throws(RuntimeError) {
        try Runtime.validate(id: id)
        try spec.validate()
        let paths = paths(id)
        if access(paths.directory, F_OK) == 0 { throw .conflict("container \(id) already exists; remove it first") }
        let config: String
        let state: String
        do {
            config = try JSONCoding.encodeString(spec)
            state = try JSONCoding.encodeString(ContainerState(id: id))
        } catch {
            throw .invalidSpec("cannot encode: \(error)")
        }
        try system { () throws(SystemCallError) in
            try FileSystemCalls.makeDirectories(paths.directory, mode: 0o711)
            try AtomicFile.write(paths.config, config, durable: false)
            try AtomicFile.write(paths.state, state, durable: false)
        }
    }

    /// Spawns the supervisor (its own session, detached) and waits until the container's
    /// process has exec'd, or returns its setup error.
    @discardableResult
    public func start(id: String) throws(RuntimeError) -> ContainerState {
        let current = try settledState(id: id)
        // Starting a running container is a no-op, as `docker start` is: a CLI killed
        // mid-start leaves a supervisor that finishes the start on its own, and the next
        // command, which observed the container before that start settled, must converge
        // rather than fail on it.
        if current.status == .running || current.status == .restarting { return current }
        let paths = paths(id)
        var fds: [Int32] = [0, 0]
        guard pipe2Cloexec(&fds) else { throw .system(SystemCallError("pipe2", "ready")) }
        let readEnd = FileDescriptor(rawValue: fds[0])
        let writeEnd = FileDescriptor(rawValue: fds[1])
        defer { readEnd.close() }
        let null = try system { () throws(SystemCallError) in try FileDescriptor.open("/dev/null", O_RDWR) }
        let errorLog = try system { () throws(SystemCallError) in
            try FileDescriptor.open("\(paths.directory)/supervisor.err", O_WRONLY | O_CREAT | O_APPEND, mode: 0o600)
        }
        let pid: pid_t
        do {
            pid = try Spawner.spawn(
                supervisorPath, ["run", root, id], stdio: [null, null, errorLog], extra: writeEnd, newSession: true)
        } catch {
            writeEnd.close()
            null.close()
            errorLog.close()
            throw error
        }
        writeEnd.close()
        null.close()
        errorLog.close()
        // The spawned process only forks the real supervisor off and exits.
        var spawnedStatus: Int32 = 0
        while waitpid(pid, &spawnedStatus, 0) < 0 && errno == EINTR {}
        var message: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while message.count < 65536 {
            let n = buffer.withUnsafeMutableBytes { raw in read(readEnd.rawValue, raw.baseAddress, raw.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            message += buffer[..<n]
        }
        let text = String(decoding: message, as: UTF8.self)
        if text != "ok" {
            throw text.isEmpty
                ? .setupFailed("supervisor exited without reporting (see \(paths.directory)/supervisor.err)")
                : .reported(text)
        }
        return try state(id: id)
    }

    /// The state once a start in progress has finished: `created` with a live supervisor
    /// means one is starting the container (perhaps for a CLI that was killed meanwhile).
    /// Bounded at 10 s, like any start.
    func settledState(id: String) throws(RuntimeError) -> ContainerState {
        var current = try state(id: id)
        for _ in 0..<1000 {
            guard current.status == .created, let supervisor = current.supervisorPid, Runtime.isAlive(supervisor)
            else { break }
            usleep(10_000)
            current = try state(id: id)
        }
        return current
    }

    private func pipe2Cloexec(_ fds: inout [Int32]) -> Bool {
        pipe(&fds) == 0 && fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0 && fcntl(fds[1], F_SETFD, FD_CLOEXEC) == 0
    }

    @discardableResult
    public func run(id: String, spec: ContainerSpec) throws(RuntimeError) -> ContainerState {
        try create(id: id, spec: spec)
        return try start(id: id)
    }

    /// Reads state.json; a supervisor that died without recording an exit is reported as such.
    public func state(id: String) throws(RuntimeError) -> ContainerState {
        // `create` refuses such an id, so nothing exists under it: a record naming one (left by
        // an older berth) is removed by `down` instead of failing it forever.
        do { try Runtime.validate(id: id) } catch { throw .notFound(id: id) }
        let paths = paths(id)
        guard let bytes = try? FileSystemCalls.readFile(paths.state),
            var state = try? JSONCoding.decode(ContainerState.self, from: bytes)
        else { throw .notFound(id: id) }
        if state.status == .running || state.status == .restarting, let supervisor = state.supervisorPid,
            !Runtime.isAlive(supervisor)
        {
            state.status = .exited
            state.pid = nil
            state.error = state.error ?? "supervisor \(supervisor) is gone"
        }
        return state
    }

    /// A killed supervisor is re-parented to the host's init, which may leave it a zombie for a
    /// while: kill(pid, 0) still succeeds then, so the process state decides.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let bytes = try? FileSystemCalls.readFile("/proc/\(pid)/stat"),
            let close = bytes.lastIndex(of: UInt8(ascii: ")")), close + 2 < bytes.count
        else { return false }
        let state = bytes[close + 2]
        return state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
    }

    public func list() -> [ContainerState] {
        guard let dir = opendir("\(root)/containers") else { return [] }
        defer { closedir(dir) }
        var result: [ContainerState] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            if let state = try? state(id: name) { result.append(state) }
        }
        return result.sorted { $0.id < $1.id }
    }

    func request(_ id: String, _ request: ControlRequest) throws(RuntimeError) -> ContainerState {
        let fd: FileDescriptor
        do {
            fd = try Sockets.connect(path: paths(id).socket)
        } catch {
            return try state(id: id)
        }
        defer { fd.close() }
        let response: ControlResponse
        do {
            try ControlChannel.send(fd, request)
            response = try ControlChannel.receive(ControlResponse.self, from: fd)
        } catch {
            // The supervisor exited between connect and answer (the container had just
            // finished): what it recorded in state.json is the answer.
            return try state(id: id)
        }
        if let error = response.error { throw .conflict(error) }
        if let state = response.state { return state }
        return try state(id: id)
    }

    /// Sends the stop signal (default: the spec's), waits up to the grace period, then SIGKILL.
    /// Returns once the container has exited; restart policies do not bring it back.
    @discardableResult
    public func stop(id: String, signal: Int32? = nil, graceMilliseconds: Int64? = nil) throws(RuntimeError)
        -> ContainerState
    {
        _ = try request(id, ControlRequest(operation: .stop, signal: signal, graceMilliseconds: graceMilliseconds))
        return try waitForSupervisor(id)
    }

    /// Signals the container's PID 1; the restart policy decides what happens next.
    public func kill(id: String, signal: Int32 = SIGKILL) throws(RuntimeError) {
        _ = try request(id, ControlRequest(operation: .kill, signal: signal))
    }

    /// Blocks until the container has exited for good (no restart pending).
    @discardableResult
    public func wait(id: String) throws(RuntimeError) -> ContainerState {
        _ = try request(id, ControlRequest(operation: .wait))
        return try waitForSupervisor(id)
    }

    /// The supervisor answers waiters just before it exits; make sure it is gone so the
    /// state read afterwards is final.
    private func waitForSupervisor(_ id: String) throws(RuntimeError) -> ContainerState {
        let state = try state(id: id)
        // Waits on a pidfd (readable once the process has exited), bounded at 10 s.
        if let pid = state.supervisorPid, let pidfd = try? ProcessControl.pidfdOpen(pid) {
            var entry = pollfd(fd: pidfd.rawValue, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 10_000)
            pidfd.close()
        }
        return try self.state(id: id)
    }

    /// Removes a stopped container (with `force`, stops it first): cgroups, state directory.
    public func remove(id: String, force: Bool = false) throws(RuntimeError) {
        let current: ContainerState
        do {
            current = try settledState(id: id)
        } catch {
            // A `create` killed between making the directory and writing state.json leaves a
            // directory that nothing ever ran from; it must go, or the next create conflicts.
            guard case .notFound = error, access(paths(id).directory, F_OK) == 0 else { throw error }
            Cgroup(id: id).remove()
            try system { () throws(SystemCallError) in try TreeRemover(root: root).remove(paths(id).directory) }
            return
        }
        if current.status == .running || current.status == .restarting {
            guard force else { throw .conflict("container \(id) is \(current.status.rawValue); stop it or use force") }
            try stop(id: id, signal: SIGKILL, graceMilliseconds: 0)
        }
        // An exited container's supervisor may still be closing its socket and log; once the
        // socket is gone it only syncs state.json, which removal makes moot.
        if access(paths(id).socket, F_OK) == 0 { _ = try waitForSupervisor(id) }
        Cgroup(id: id).remove()
        try system { () throws(SystemCallError) in try TreeRemover(root: root).remove(paths(id).directory) }
    }

    /// Runs a command in the running container attached to this process's stdin/stdout/stderr
    /// and returns its exit code. The work happens in a fresh helper process, which relays
    /// those streams through pipes (or a pty of the container's devpts with `-t`): the command
    /// never receives a descriptor of the caller's.
    public func exec(id: String, _ spec: ExecSpec) throws(RuntimeError) -> Int32 {
        let current = try state(id: id)
        guard current.status == .running else {
            throw .conflict("container \(id) is not running (status \(current.status.rawValue))")
        }
        let json: String
        do {
            json = try JSONCoding.encodeString(spec)
        } catch {
            throw .invalidSpec("cannot encode exec spec: \(error)")
        }
        let pid = try Spawner.spawn(
            supervisorPath, ["exec", root, id, json], stdio: [.standardInput, .standardOutput, .standardError])
        while true {
            do {
                if let (_, status) = try ProcessControl.wait(pid) { return status.code }
            } catch {
                throw .system(error)
            }
        }
    }
}
