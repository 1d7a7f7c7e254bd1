import BerthSystem

/// A published TCP port: listens on a host address and relays each connection to one backend
/// of a live `BackendSet`, round-robin, falling through to the next backend when one refuses
/// or does not answer in time. Bytes move socket → pipe → socket with splice(2): no NAT
/// rules, nothing to clean up in the kernel, and it works for containers that have no route
/// to the outside. Half-closes are passed on, so request/response protocols that shut down
/// their sending side (HTTP/1.0 clients, `nc -N`) work.
public final class TCPProxy: Sendable {
    public var address: SocketAddressV4 { relay.address }
    public let backends: BackendSet
    private let relay: ProxyRelay

    /// Binds `listenAddress` (port 0 picks one) and starts relaying. Fails with
    /// `PortUnavailableError` when the port is taken.
    public init(listenOn listenAddress: SocketAddressV4, backends: BackendSet, connectTimeout: Duration = .seconds(2))
        throws
    {
        relay = try ProxyRelay(
            .tcp, listenOn: listenAddress,
            configure: { (socket: Socket) throws(SystemCallError) in
                try socket.setReuseAddress()
                try socket.bind(to: listenAddress)
                try socket.listen(backlog: 1024)
            },
            makeLoop: { listener, notifier in
                let loop = try TCPProxyLoop(
                    listener: listener, notifier: notifier, backends: backends, connectTimeout: connectTimeout)
                return { loop.run() }
            })
        self.backends = backends
    }

    /// Stops accepting, closes every relayed connection, and waits for the relay thread.
    public func stop() {
        relay.stop()
    }
}

/// One client connection and its backend.
private final class RelayPair {
    let id: UInt64
    let client: Socket
    var backend: Socket?
    let candidates: [SocketAddressV4]
    var nextCandidate = 0
    var connected = false
    var connectDeadline = ContinuousClock.now
    /// Bytes read from one side that the other side has not accepted yet.
    var toBackend: [UInt8] = []
    var toClient: [UInt8] = []
    var clientEOF = false
    var backendEOF = false
    var backendWriteShut = false
    var clientWriteShut = false
    var clientInterest: Epoll.Events = []
    var backendInterest: Epoll.Events = []

    init(id: UInt64, client: Socket, candidates: [SocketAddressV4]) {
        self.id = id
        self.client = client
        self.candidates = candidates
    }

    var clientToken: UInt64 { id << 1 }
    var backendToken: UInt64 { id << 1 | 1 }
}

private final class TCPProxyLoop: @unchecked Sendable {
    private static let stopToken: UInt64 = 0
    private static let listenerToken: UInt64 = 1
    private static let maximumConnections = 4096

    private let listener: Socket
    private let notifier: EventNotifier
    private let backends: BackendSet
    private let connectTimeout: Duration
    private let epoll: Epoll
    private var pairs: [UInt64: RelayPair] = [:]
    private var nextID: UInt64 = 1
    private var listenerPausedUntil: ContinuousClock.Instant?
    /// One pipe for every relay, empty between calls (see `relay`).
    private var pipe: SplicePipe
    private var pipeCapacity: Int
    /// Where bytes a slow destination did not take are copied out of the pipe.
    private var scratch = [UInt8](repeating: 0, count: 65536)

    init(listener: Socket, notifier: EventNotifier, backends: BackendSet, connectTimeout: Duration) throws {
        self.listener = listener
        self.notifier = notifier
        self.backends = backends
        self.connectTimeout = connectTimeout
        let pipe = try SplicePipe.open(capacity: 1 << 20)
        let epoll: Epoll
        do {
            pipeCapacity = try pipe.capacity()
            epoll = try Epoll()
            do {
                try epoll.add(notifier.descriptor, .readable, token: TCPProxyLoop.stopToken)
                try epoll.add(listener.descriptor, .readable, token: TCPProxyLoop.listenerToken)
            } catch {
                epoll.close()
                throw error
            }
        } catch {
            pipe.close()
            throw error
        }
        self.pipe = pipe
        self.epoll = epoll
    }

    func run() {
        blockBrokenPipeSignalOnCurrentThread()
        defer {
            for pair in Array(pairs.values) { close(pair) }
            epoll.close()
            pipe.close()
        }
        while true {
            let connecting = pairs.values.contains { !$0.connected }
            let timeout: Int32 = connecting || listenerPausedUntil != nil ? 50 : 1000
            guard let events = try? epoll.wait(timeoutMilliseconds: timeout) else { return }
            for event in events {
                switch event.token {
                case TCPProxyLoop.stopToken: return
                case TCPProxyLoop.listenerToken: acceptClients()
                default:
                    guard let pair = pairs[event.token >> 1] else { continue }
                    if event.token & 1 == 1 {
                        backendEvent(pair, event.events)
                    } else {
                        clientEvent(pair, event.events)
                    }
                }
            }
            if connecting { expireConnectAttempts() }
            if let until = listenerPausedUntil, until <= .now {
                listenerPausedUntil = nil
                try? epoll.add(listener.descriptor, .readable, token: TCPProxyLoop.listenerToken)
            }
        }
    }

    // MARK: connection setup

    private func acceptClients() {
        for _ in 0..<64 {
            let accepted: (Socket, SocketAddressV4)?
            do {
                accepted = try listener.accept()
            } catch {
                // Out of descriptors (EMFILE) or similar: the listener stays readable, so stop
                // watching it for a moment instead of spinning.
                epoll.remove(listener.descriptor)
                listenerPausedUntil = .now + .milliseconds(100)
                return
            }
            guard let (client, _) = accepted else { return }
            let candidates = backends.nextCandidates()
            guard pairs.count < TCPProxyLoop.maximumConnections, !candidates.isEmpty else {
                client.close()
                continue
            }
            try? client.setNoDelay()
            let pair = RelayPair(id: nextID, client: client, candidates: candidates)
            nextID += 1
            pairs[pair.id] = pair
            connectNextBackend(pair)
        }
    }

    /// Tries backends in order until one connects or is in progress; closes the client when
    /// none is left.
    private func connectNextBackend(_ pair: RelayPair) {
        while pair.nextCandidate < pair.candidates.count {
            let target = pair.candidates[pair.nextCandidate]
            do {
                let socket = try Socket.open(.tcp, nonBlocking: true)
                pair.backend = socket
                try? socket.setNoDelay()
                pair.connected = try socket.startConnect(to: target)
                pair.connectDeadline = .now + connectTimeout
                updateInterests(pair)
                return
            } catch {
                dropBackend(pair)
                pair.nextCandidate += 1
            }
        }
        close(pair)
    }

    private func dropBackend(_ pair: RelayPair) {
        guard let backend = pair.backend else { return }
        epoll.remove(backend.descriptor)
        backend.close()
        pair.backend = nil
        pair.backendInterest = []
    }

    private func expireConnectAttempts() {
        let now = ContinuousClock.now
        for pair in Array(pairs.values) where !pair.connected && pair.connectDeadline < now {
            dropBackend(pair)
            pair.nextCandidate += 1
            connectNextBackend(pair)
        }
    }

    // MARK: relaying

    private func clientEvent(_ pair: RelayPair, _ events: Epoll.Events) {
        guard pair.connected, let backend = pair.backend else { return }
        if events.contains(.writable) || (events.contains(.error) && !pair.toClient.isEmpty) {
            guard flush(&pair.toClient, to: pair.client) else { return close(pair) }
        }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) {
            guard relay(from: pair.client, to: backend, pending: &pair.toBackend, eof: &pair.clientEOF) else {
                return close(pair)
            }
        }
        finishDirections(pair)
    }

    private func backendEvent(_ pair: RelayPair, _ events: Epoll.Events) {
        guard let backend = pair.backend else { return }
        if !pair.connected {
            if (try? backend.pendingError()) == nil {
                pair.connected = true
                updateInterests(pair)
            } else {
                dropBackend(pair)
                pair.nextCandidate += 1
                connectNextBackend(pair)
            }
            return
        }
        if events.contains(.writable) {
            guard flush(&pair.toBackend, to: backend) else { return close(pair) }
        }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) {
            guard relay(from: backend, to: pair.client, pending: &pair.toClient, eof: &pair.backendEOF) else {
                return close(pair)
            }
        }
        finishDirections(pair)
    }

    /// Moves bytes from `source` to `destination` through the loop's shared pipe with
    /// splice(2), so the common case copies nothing through user space. When `destination`
    /// does not take everything, the rest is read out of the pipe into `pending` (reading from
    /// `source` pauses until it drains), which keeps the shared pipe empty between calls.
    /// Returns false when the pair must be torn down.
    private func relay(from source: Socket, to destination: Socket, pending: inout [UInt8], eof: inout Bool) -> Bool {
        for _ in 0..<16 {
            guard pending.isEmpty, !eof else { return true }
            let moved: Int?
            do {
                moved = try splice(from: source.descriptor, to: pipe.writeEnd, count: pipeCapacity)
            } catch {
                return false
            }
            guard let moved else { return true }
            if moved == 0 {
                eof = true
                return true
            }
            var left = moved
            var failed = false
            while left > 0 {
                do {
                    guard let sent = try splice(from: pipe.readEnd, to: destination.descriptor, count: left) else {
                        break
                    }
                    left -= sent
                } catch {
                    failed = true
                    break
                }
            }
            if left > 0 {
                // Keep the shared pipe empty: what the destination did not take waits in user space.
                let drained = drainPipe(left)
                if drained.count != left {
                    // Never reached in practice (the bytes are in the pipe), but a pipe with stray
                    // bytes would leak one connection's data into another: replace it.
                    replacePipe()
                    return false
                }
                if failed { return false }
                pending.append(contentsOf: drained)
                return true
            }
        }
        return true
    }

    private func replacePipe() {
        guard let fresh = try? SplicePipe.open(capacity: pipeCapacity) else { return }
        pipe.close()
        pipe = fresh
        pipeCapacity = (try? fresh.capacity()) ?? 65536
    }

    private func drainPipe(_ count: Int) -> [UInt8] {
        var drained: [UInt8] = []
        drained.reserveCapacity(count)
        var remaining = count
        for _ in 0..<1024 where remaining > 0 {
            let got = scratch.withUnsafeMutableBytes { raw in
                try? pipe.readEnd.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<min(remaining, raw.count)]))
            }
            guard let got, got > 0 else { break }
            drained += scratch[0..<got]
            remaining -= got
        }
        return drained
    }

    private func flush(_ pending: inout [UInt8], to destination: Socket) -> Bool {
        while !pending.isEmpty {
            switch pending.withUnsafeBytes({ destination.sendOutcome($0) }) {
            case .transferred(let sent): pending.removeFirst(sent)
            case .wouldBlock, .endOfStream: return true
            case .failed: return false
            }
        }
        return true
    }

    /// Passes end-of-stream on once everything before it was delivered, and closes the pair
    /// when both directions are finished.
    private func finishDirections(_ pair: RelayPair) {
        guard pairs[pair.id] != nil, let backend = pair.backend else { return }
        if pair.clientEOF && pair.toBackend.isEmpty && !pair.backendWriteShut {
            backend.shutdownWrite()
            pair.backendWriteShut = true
        }
        if pair.backendEOF && pair.toClient.isEmpty && !pair.clientWriteShut {
            pair.client.shutdownWrite()
            pair.clientWriteShut = true
        }
        if pair.backendWriteShut && pair.clientWriteShut { return close(pair) }
        updateInterests(pair)
    }

    /// Registers each socket for exactly what the relay can act on now. A socket with nothing
    /// to do is taken out of epoll, so a hung-up peer cannot make the loop spin.
    private func updateInterests(_ pair: RelayPair) {
        var client: Epoll.Events = []
        var backend: Epoll.Events = []
        if pair.connected {
            if pair.toBackend.isEmpty && !pair.clientEOF { client.insert(.readable) }
            if !pair.toClient.isEmpty { client.insert(.writable) }
            if pair.toClient.isEmpty && !pair.backendEOF { backend.insert(.readable) }
            if !pair.toBackend.isEmpty { backend.insert(.writable) }
        } else {
            backend = .writable
        }
        setInterest(pair.client, from: pair.clientInterest, to: client, token: pair.clientToken)
        pair.clientInterest = client
        if let socket = pair.backend {
            setInterest(socket, from: pair.backendInterest, to: backend, token: pair.backendToken)
            pair.backendInterest = backend
        }
    }

    private func setInterest(_ socket: Socket, from old: Epoll.Events, to new: Epoll.Events, token: UInt64) {
        if old == new { return }
        if new.isEmpty {
            epoll.remove(socket.descriptor)
        } else if old.isEmpty {
            try? epoll.add(socket.descriptor, new, token: token)
        } else {
            try? epoll.modify(socket.descriptor, new, token: token)
        }
    }

    private func close(_ pair: RelayPair) {
        guard pairs.removeValue(forKey: pair.id) != nil else { return }
        epoll.remove(pair.client.descriptor)
        pair.client.close()
        dropBackend(pair)
    }
}
