import BerthSystem
import CBerthShims

#if canImport(Glibc)
    import Glibc
#endif

/// The cloned child of the supervisor: already in its new namespaces, single-threaded. It waits
/// for the parent's "go" (sent after cgroup placement), sets everything up and execs. A setup
/// failure is written to the sync socket as text; a successful exec closes the socket (CLOEXEC),
/// which the parent reads as success.
struct ContainerChild {
    let spec: ContainerSpec
    let paths: ContainerPaths
    let sync: FileDescriptor
    let stdio: [FileDescriptor]
    /// Path of the pty slave for `tty: true`; it becomes stdin/stdout/stderr and /dev/console.
    let terminal: String?
    let capabilities: CapabilitySet
    let lastCapability: Int
    let seccomp: [UInt8]?
    /// v1: the cgroup this process moves itself into first, while /sys/fs/cgroup is visible.
    let selfJoinedCgroup: Cgroup?

    func run() -> Never {
        do {
            try setUp()
        } catch {
            try? sync.writeAll(Self.report(error.description))
        }
        _exit(127)
    }

    /// The longest failure report the parent reads: one SOCK_SEQPACKET message.
    static let maxReport = 4096

    /// `text` cut to one message the parent can read, keeping its start (the call) and its end
    /// (the errno). A longer one (an execve error quoting huge arguments) fails with EMSGSIZE,
    /// and the parent would read the bare close as a successful exec.
    static func report(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count > maxReport else { return bytes }
        let marker = Array(" … ".utf8)
        let half = (maxReport - marker.count) / 2
        var end = half
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        var start = bytes.count - half
        while start < bytes.count && bytes[start] & 0xC0 == 0x80 { start += 1 }
        return Array(bytes[..<end]) + marker + Array(bytes[start...])
    }

    private func setUp() throws(RuntimeError) {
        try system { () throws(SystemCallError) in
            try selfJoinedCgroup?.joinSelf()
            if let terminal {
                let slave = try FileDescriptor.open(terminal, O_RDWR)
                try Terminal.becomeControllingTerminal(slave)
                for target in 0..<3 where dup2(slave.rawValue, Int32(target)) < 0 {
                    throw SystemCallError("dup2", "\(slave.rawValue), \(target)")
                }
                slave.close()
            } else {
                for (target, fd) in stdio.enumerated() where dup2(fd.rawValue, Int32(target)) < 0 {
                    throw SystemCallError("dup2", "\(fd.rawValue), \(target)")
                }
            }
            for (mode, type) in [
                (spec.namespaces.network, Kernel.cloneNewNet), (spec.namespaces.ipc, Kernel.cloneNewIPC),
                (spec.namespaces.uts, Kernel.cloneNewUTS),
            ] {
                if case .join(let path) = mode {
                    let fd = try FileDescriptor.open(path, O_RDONLY)
                    defer { fd.close() }
                    try Namespace.setns(fd, type: type)
                }
            }
        }
        let builder = RootfsBuilder(spec: spec, paths: paths, console: terminal, cgroup: selfJoinedCgroup)
        try builder.build()
        if spec.namespaces.uts == .private {
            try system { () throws(SystemCallError) in
                if let hostname = spec.hostname { try Namespace.setHostname(hostname) }
                if let domainname = spec.domainname { try Namespace.setDomainname(domainname) }
            }
        }
        if spec.namespaces.network == .private {
            let sock = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if sock >= 0 {
                _ = berth_interface_up(sock, "lo")
                close(sock)
            }
        }
        try builder.finish()
        // v2: the filesystem work above overlaps with the parent moving this process into the
        // container's cgroup. Nothing of the container's own runs before the parent says so.
        var go: UInt8 = 0
        let n = try system { () throws(SystemCallError) in
            try withUnsafeMutableBytes(of: &go) { raw in
                Result { () throws(SystemCallError) in try sync.read(into: raw) }
            }.get()
        }
        guard n == 1 else { throw .setupFailed("supervisor went away before start") }
        try system { () throws(SystemCallError) in try Namespace.unshare(Kernel.cloneNewCgroup) }
        try system { () throws(SystemCallError) in
            for limit in spec.rlimits {
                guard let resource = ContainerChild.rlimitNumbers[limit.name] else { continue }
                try Credentials.setResourceLimit(resource, soft: limit.soft, hard: limit.hard)
            }
        }
        let passwd = (try? FileSystemCalls.readFile("/etc/passwd")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let group = (try? FileSystemCalls.readFile("/etc/group")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let user = try ResolvedUser.resolve(spec.process.user, passwd: passwd, group: group)
        var environment = spec.process.environment
        if !environment.contains(where: { $0.hasPrefix("HOME=") }) { environment.append("HOME=\(user.home)") }
        if let hostname = spec.hostname, !environment.contains(where: { $0.hasPrefix("HOSTNAME=") }) {
            environment.append("HOSTNAME=\(hostname)")
        }
        let finalizer = ProcessFinalizer(
            user: user, capabilities: capabilities, lastCapability: lastCapability,
            noNewPrivileges: spec.security.noNewPrivileges, seccomp: seccomp,
            workingDirectory: spec.process.workingDirectory, environment: environment,
            arguments: spec.process.arguments)
        if spec.initProcess { try MinimalInit.run(finalizer: finalizer, sync: sync) }
        try finalizer.finishAndExecute()
    }

    /// Compose ulimit names to RLIMIT_* numbers.
    static let rlimitNumbers: [String: Int32] = [
        "cpu": 0, "fsize": 1, "data": 2, "stack": 3, "core": 4, "rss": 5, "nproc": 6, "nofile": 7, "memlock": 8,
        "as": 9, "locks": 10, "sigpending": 11, "msgqueue": 12, "nice": 13, "rtprio": 14, "rttime": 15,
    ]
}
