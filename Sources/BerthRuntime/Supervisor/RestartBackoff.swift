/// When to restart a crashed network daemon: 100 ms, doubling to 5 s, and never more than
/// `maxFailures` crashes within `window`, so a daemon that cannot run (a port taken, a broken
/// root) stops burning CPU and says why instead of restarting forever. A run longer than
/// `window` counts as healthy and resets the delay.
struct RestartBackoff {
    static let firstDelay: Int64 = 100
    static let maximumDelay: Int64 = 5000
    static let window: Int64 = 30_000
    static let maxFailures = 5

    private var delay = firstDelay
    private var failures: [Int64] = []

    /// Records a failure at `now` (milliseconds) of a daemon that ran `ranFor` milliseconds;
    /// the delay before the next start, or nil to give up.
    mutating func failed(at now: Int64, ranFor: Int64) -> Int64? {
        if ranFor >= Self.window { delay = Self.firstDelay }
        failures = failures.filter { now - $0 < Self.window } + [now]
        guard failures.count < Self.maxFailures else { return nil }
        defer { delay = min(delay * 2, Self.maximumDelay) }
        return delay
    }
}
