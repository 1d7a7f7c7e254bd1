import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A non-blocking, close-on-exec pipe, used as the in-kernel buffer for `splice(2)` so relayed
/// bytes move socket → pipe → socket without being copied through user space.
public struct SplicePipe: Sendable {
    public let readEnd: FileDescriptor
    public let writeEnd: FileDescriptor

    /// Opens a pipe; `capacity` asks the kernel for a larger buffer (F_SETPIPE_SZ), best effort.
    public static func open(capacity: Int? = nil) throws(SystemCallError) -> SplicePipe {
        var fds: [Int32] = [-1, -1]
        try retryingOnInterrupt("pipe2", "O_CLOEXEC|O_NONBLOCK") { berth_pipe(&fds) }
        let pipe = SplicePipe(readEnd: FileDescriptor(rawValue: fds[0]), writeEnd: FileDescriptor(rawValue: fds[1]))
        if let capacity { _ = fcntl(fds[1], 1031 /* F_SETPIPE_SZ */, Int32(clamping: capacity)) }
        return pipe
    }

    public func close() {
        readEnd.close()
        writeEnd.close()
    }

    /// The pipe's buffer size in bytes (F_GETPIPE_SZ).
    public func capacity() throws(SystemCallError) -> Int {
        Int(try retryingOnInterrupt("fcntl", "\(writeEnd.rawValue), F_GETPIPE_SZ") { fcntl(writeEnd.rawValue, 1032) })
    }
}

/// `splice(2)` without blocking: moves up to `count` bytes from `source` to `destination`, one of
/// which must be a pipe. Returns nil when it would block and 0 at end of stream.
public func splice(from source: FileDescriptor, to destination: FileDescriptor, count: Int) throws(SystemCallError)
    -> Int?
{
    while true {
        let moved = berth_splice(source.rawValue, destination.rawValue, count)
        if moved >= 0 { return moved }
        let err = Errno.current
        if err == .interrupted { continue }
        if err == .again { return nil }
        throw SystemCallError("splice", "\(source.rawValue) → \(destination.rawValue), \(count)", errno: err)
    }
}
