#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Blocks SIGPIPE for the calling thread only. splice(2) has no MSG_NOSIGNAL, so writing into a
/// socket whose peer has gone raises SIGPIPE, which would kill the whole process. The signal
/// is thread-directed, so an event-loop thread that blocks it just gets EPIPE, and the rest of
/// the process keeps its default signal handling.
public func blockBrokenPipeSignalOnCurrentThread() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &set, nil)
}
