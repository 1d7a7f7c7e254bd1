import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// posix_spawn of berth's helper binary: the only way the multithreaded CLI (or the
/// supervisor) starts processes, so nothing ever runs Swift code after a fork in a threaded
/// process.
enum Spawner {
    /// `stdio[i]` becomes fd i in the child; `extra` becomes fd 3 if given.
    static func spawn(
        _ path: String, _ arguments: [String], stdio: [FileDescriptor], extra: FileDescriptor? = nil,
        newSession: Bool = false
    ) throws(RuntimeError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, fd) in stdio.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, fd.rawValue, Int32(target))
        }
        if let extra { posix_spawn_file_actions_adddup2(&actions, extra.rawValue, 3) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (POSIX_SPAWN_SETSID)
        posix_spawnattr_setflags(&attributes, Int16(0x04 | 0x08 | (newSession ? 0x80 : 0)))
        var pid: pid_t = 0
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        if result != 0 {
            throw .system(SystemCallError("posix_spawn", "\"\(path)\"", errno: Errno(rawValue: result)))
        }
        return pid
    }
}
