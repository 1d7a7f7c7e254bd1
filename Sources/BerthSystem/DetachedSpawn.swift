#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// posix_spawn(3) of a long-lived helper in its own session, so it outlives the command that
/// started it and no terminal signal reaches it. The only safe way for a multithreaded Swift
/// process to start another program (no fork). The helper starts with SIGHUP blocked, so a
/// reload request sent before it installed its handler (`HangupSignal.install`) waits instead
/// of killing it.
public enum DetachedSpawn {
    /// Starts `path` with `arguments` (argv[0] is `path`), stdin from /dev/null and stdout and
    /// stderr appended to `logPath`; returns its pid.
    public static func spawn(_ path: String, arguments: [String], logPath: String) throws(SystemCallError) -> pid_t {
        let null = try FileDescriptor.open("/dev/null", O_RDONLY)
        defer { null.close() }
        let log = try FileDescriptor.open(logPath, O_WRONLY | O_CREAT | O_APPEND, mode: 0o600)
        defer { log.close() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, null.rawValue, 0)
        posix_spawn_file_actions_adddup2(&actions, log.rawValue, 1)
        posix_spawn_file_actions_adddup2(&actions, log.rawValue, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        sigaddset(&empty, SIGHUP)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID
        posix_spawnattr_setflags(&attributes, Int16(0x04 | 0x08 | 0x80))
        var pid: pid_t = 0
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        if result != 0 {
            throw SystemCallError("posix_spawn", "\"\(path)\", \(arguments)", errno: Errno(rawValue: result))
        }
        return pid
    }
}
