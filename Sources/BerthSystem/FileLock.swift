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

extension FileDescriptor {
    /// Tries to take an exclusive `flock` without waiting; false when someone else holds it.
    public func tryLockExclusive() throws(SystemCallError) -> Bool {
        while true {
            if flock(rawValue, LOCK_EX | LOCK_NB) == 0 { return true }
            let err = Errno.current
            if err == .interrupted { continue }
            if err.rawValue == EWOULDBLOCK { return false }
            throw SystemCallError("flock", "\(rawValue), LOCK_EX|LOCK_NB", errno: err)
        }
    }
}
