import BerthSystem
import Synchronization

/// The live set of backends behind one published port: the runtime replaces it whenever a
/// replica starts, stops, or changes health, and the proxy reads it for every new connection
/// (connections already open stay on the backend they have).
public final class BackendSet: Sendable {
    private struct State {
        var backends: [SocketAddressV4]
        var cursor = 0
    }

    private let state: Mutex<State>

    public init(_ backends: [SocketAddressV4] = []) {
        state = Mutex(State(backends: backends))
    }

    /// Replaces the backends (healthy replicas only). Duplicates are dropped.
    public func update(_ backends: [SocketAddressV4]) {
        var seen = Set<SocketAddressV4>()
        let unique = backends.filter { seen.insert($0).inserted }
        state.withLock { $0.backends = unique }
    }

    public var current: [SocketAddressV4] { state.withLock { $0.backends } }

    /// The order in which to try backends for the next connection: round-robin for the first
    /// choice, then the others as fallbacks if it refuses.
    func nextCandidates() -> [SocketAddressV4] {
        state.withLock { state in
            guard !state.backends.isEmpty else { return [] }
            let start = state.cursor % state.backends.count
            state.cursor = (start + 1) % state.backends.count
            return Array(state.backends[start...] + state.backends[..<start])
        }
    }
}
