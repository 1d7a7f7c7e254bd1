import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

private let hangupPending = Atomic<Bool>(false)

private func recordHangup(_: Int32) {
    hangupPending.store(true, ordering: .relaxed)
}

/// SIGHUP as a "reload now" request for a daemon: the handler only sets a flag that the
/// daemon's loop polls, so nothing unsafe runs in signal context.
public enum HangupSignal {
    /// Installs the handler, then unblocks SIGHUP for the calling thread (a helper started by
    /// `DetachedSpawn` begins with it blocked).
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = recordHangup
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGHUP, &action, nil)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGHUP)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Whether a SIGHUP arrived since the last call.
    public static func takePending() -> Bool {
        hangupPending.exchange(false, ordering: .relaxed)
    }
}
