import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Pseudo-terminals for `tty: true` containers: the supervisor keeps the master, the
/// container's process gets the slave as its controlling terminal.
public enum Terminal {
    /// Opens a master (non-blocking, close-on-exec) and returns it with its slave's path.
    public static func openPair() throws(SystemCallError) -> (master: FileDescriptor, slavePath: String) {
        var name = [CChar](repeating: 0, count: 128)
        let fd = try retryingOnInterrupt("posix_openpt", "O_RDWR") { berth_open_pty(&name, name.count) }
        let path = String(decoding: name.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (FileDescriptor(rawValue: fd), path)
    }

    /// Starts a new session and makes `fd` (a terminal slave) its controlling terminal.
    public static func becomeControllingTerminal(_ fd: FileDescriptor) throws(SystemCallError) {
        try retryingOnInterrupt("setsid", "") { setsid() }
        try retryingOnInterrupt("ioctl", "\(fd.rawValue), TIOCSCTTY") { berth_set_controlling_tty(fd.rawValue) }
    }
}
