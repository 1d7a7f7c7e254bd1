import CBerthShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

private let arrivedSignals = Atomic<UInt64>(0)
private let wakeDescriptor = Atomic<Int32>(-1)

private func recordSignal(_ signal: Int32) {
    let saved = errno
    arrivedSignals.bitwiseOr(1 << UInt64(signal), ordering: .relaxed)
    var byte: UInt8 = 1
    _ = write(wakeDescriptor.load(ordering: .relaxed), &byte, 1)
    errno = saved
}

/// Signals as messages for a supervising process: handlers (process-wide, so whichever of the
/// Swift runtime's threads the kernel picks, no signal kills the process) only record the
/// signal and write a byte to a self-pipe, and the loop takes them with a bounded wait. Blocking
/// signals instead would only cover the calling thread: berth's async `main` runs commands off
/// the main thread, whose mask stays empty.
public enum SignalInbox {
    /// Installs the handlers for `signals` and unblocks them on the calling thread (a helper
    /// started by `DetachedSpawn` begins with SIGHUP blocked).
    public static func install(_ signals: [Int32]) throws(SystemCallError) {
        var ends: [Int32] = [0, 0]
        try retryingOnInterrupt("pipe2", "O_NONBLOCK|O_CLOEXEC") { berth_pipe2(&ends, O_NONBLOCK | O_CLOEXEC) }
        readEnd = ends[0]
        wakeDescriptor.store(ends[1], ordering: .relaxed)
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = recordSignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART | (signal == SIGCHLD ? SA_NOCLDSTOP : 0)
            sigaction(signal, &action, nil)
            sigaddset(&set, signal)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    nonisolated(unsafe) private static var readEnd: Int32 = -1

    /// The signals that arrived since the last call, waiting at most `milliseconds` for one.
    public static func next(milliseconds: Int64) -> Set<Int32> {
        if arrivedSignals.load(ordering: .relaxed) == 0 {
            var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, Int32(clamping: max(0, milliseconds)))
        }
        var drain = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &drain, drain.count) > 0 {}
        let bits = arrivedSignals.exchange(0, ordering: .relaxed)
        return Set((1..<64).filter { bits & (1 << UInt64($0)) != 0 }.map { Int32($0) })
    }
}
