#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension FileDescriptor {
    /// Takes an exclusive `flock` on this descriptor, waiting for other holders. The kernel
    /// drops it when the descriptor closes, also when the process dies, so a crashed writer
    /// never leaves a stale lock behind.
    public func lockExclusive() throws(SystemCallError) {
        try retryingOnInterrupt("flock", "\(rawValue), LOCK_EX") { flock(rawValue, LOCK_EX) }
    }

    public func unlock() throws(SystemCallError) {
        try retryingOnInterrupt("flock", "\(rawValue), LOCK_UN") { flock(rawValue, LOCK_UN) }
    }
}
