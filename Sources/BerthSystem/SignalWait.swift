#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Synchronous signal handling for a small single-threaded process (a supervisor): the
/// signals are blocked, then taken one at a time with `sigtimedwait`, so no handler runs in
/// signal context and none is lost between checks.
public enum SignalWait {
    /// Blocks `signals` for the calling thread (and the threads it starts later).
    public static func block(_ signals: [Int32]) {
        var set = makeSet(signals)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// The next of `signals` to arrive within `milliseconds`, or nil on timeout.
    public static func next(_ signals: [Int32], milliseconds: Int64) -> Int32? {
        var set = makeSet(signals)
        var timeout = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
        let signal = sigtimedwait(&set, nil, &timeout)
        return signal > 0 ? signal : nil
    }

    private static func makeSet(_ signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }
}
