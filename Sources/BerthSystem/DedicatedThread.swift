#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

private final class ThreadWork: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

private func startThread(_ work: ThreadWork) throws(SystemCallError) -> pthread_t {
    let context = Unmanaged.passRetained(work).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(
        &thread, nil,
        { raw in
            guard let raw else { return nil }
            Unmanaged<ThreadWork>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, context)
    if result != 0 {
        Unmanaged<ThreadWork>.fromOpaque(context).release()
        throw SystemCallError("pthread_create", "", errno: Errno(rawValue: result))
    }
    return thread
}

/// Runs `body` on a new OS thread and waits for it. Per-thread kernel state (the network
/// namespace after `setns`/`unshare`) then dies with that thread, so the rest of the process,
/// including Swift's own thread pools, never sees it.
public func runOnDedicatedThread<T>(_ body: () throws -> T) throws -> T {
    var outcome: Result<T, any Error>?
    try withoutActuallyEscaping({ outcome = Result { try body() } }) { escapable in
        let thread = try startThread(ThreadWork(escapable))
        pthread_join(thread, nil)
    }
    guard let outcome else { throw SystemCallError("pthread_join", "thread ended without a result", errno: .invalid) }
    return try outcome.get()
}

/// A long-running thread (an event loop) that its owner joins when stopping it.
public final class JoinableThread: @unchecked Sendable {
    private let thread: pthread_t
    private var joined = false

    public init(_ body: @escaping @Sendable () -> Void) throws(SystemCallError) {
        thread = try startThread(ThreadWork(body))
    }

    /// Waits for the thread's body to return. Call once, from one owner.
    public func join() {
        if joined { return }
        joined = true
        pthread_join(thread, nil)
    }
}

/// Runs blocking `body` (a syscall that waits: a process exit, a pipe, a netlink round
/// trip) on a new detached OS thread and suspends the caller until it returns. The caller's
/// actor and Swift's cooperative pool stay free meanwhile, so many such waits overlap
/// instead of queueing behind one another.
public func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let work = ThreadWork { continuation.resume(with: Result { try body() }) }
        do {
            let thread = try startThread(work)
            pthread_detach(thread)
        } catch {
            continuation.resume(throwing: error)
        }
    }
}
