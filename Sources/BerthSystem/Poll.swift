#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Single-descriptor readiness waits, for blocking-style code that still needs a deadline.
public enum Poll {
    /// Waits until `descriptor` reports one of `events` or `timeout` passes; `false` on timeout.
    public static func wait(for descriptor: FileDescriptor, events: Int16, timeout: Duration) throws(SystemCallError)
        -> Bool
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            var entry = pollfd(fd: descriptor.rawValue, events: events, revents: 0)
            let milliseconds = Int32(
                clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
                    + 1)
            let n = Glibc.poll(&entry, 1, milliseconds)
            if n > 0 { return true }
            if n == 0 { continue }
            let err = Errno.current
            if err == .interrupted { continue }
            throw SystemCallError("poll", "\(descriptor.rawValue), \(events)", errno: err)
        }
    }
}
