import BerthSystem

/// A published UDP port. UDP has no connections, so the proxy keeps a session per client
/// address: the first datagram picks a backend (round-robin) and opens a socket to it;
/// replies on that socket go back to that client. Sessions end after `idleTimeout` without
/// traffic, or when the backend refuses (ICMP port unreachable), so the client's next
/// datagram picks another backend.
public final class UDPProxy: Sendable {
    public var address: SocketAddressV4 { relay.address }
    public let backends: BackendSet
    private let relay: ProxyRelay

    public init(
        listenOn listenAddress: SocketAddressV4, backends: BackendSet, idleTimeout: Duration = .seconds(30),
        maximumSessions: Int = 1024
    ) throws {
        relay = try ProxyRelay(
            .udp, listenOn: listenAddress,
            configure: { (socket: Socket) throws(SystemCallError) in try socket.bind(to: listenAddress) },
            makeLoop: { listener, notifier in
                let loop = try UDPProxyLoop(
                    listener: listener, notifier: notifier, backends: backends, idleTimeout: idleTimeout,
                    maximumSessions: maximumSessions)
                return { loop.run() }
            })
        self.backends = backends
    }

    public func stop() {
        relay.stop()
    }
}

private final class UDPProxyLoop: @unchecked Sendable {
    private struct Session {
        var client: SocketAddressV4
        var socket: Socket
        var lastActivity: ContinuousClock.Instant
    }

    private static let stopToken: UInt64 = 0
    private static let listenerToken: UInt64 = 1

    private let listener: Socket
    private let notifier: EventNotifier
    private let backends: BackendSet
    private let idleTimeout: Duration
    private let maximumSessions: Int
    private let epoll: Epoll
    private var sessions: [UInt64: Session] = [:]
    private var sessionByClient: [SocketAddressV4: UInt64] = [:]
    private var nextToken: UInt64 = 2
    private var buffer = [UInt8](repeating: 0, count: 65536)

    init(listener: Socket, notifier: EventNotifier, backends: BackendSet, idleTimeout: Duration, maximumSessions: Int)
        throws
    {
        self.listener = listener
        self.notifier = notifier
        self.backends = backends
        self.idleTimeout = idleTimeout
        self.maximumSessions = maximumSessions
        epoll = try Epoll()
        try epoll.add(notifier.descriptor, .readable, token: UDPProxyLoop.stopToken)
        try epoll.add(listener.descriptor, .readable, token: UDPProxyLoop.listenerToken)
    }

    func run() {
        defer {
            for token in Array(sessions.keys) { end(token) }
            epoll.close()
        }
        let tick = Int32(clamping: min(1000, max(10, idleTimeout.components.seconds * 1000 / 4)))
        while true {
            guard let events = try? epoll.wait(timeoutMilliseconds: tick) else { return }
            for event in events {
                switch event.token {
                case UDPProxyLoop.stopToken: return
                case UDPProxyLoop.listenerToken: fromClients()
                default: fromBackend(event.token)
                }
            }
            expireIdleSessions()
        }
    }

    private func fromClients() {
        for _ in 0..<256 {
            guard let (count, client) = buffer.withUnsafeMutableBytes({ try? listener.receiveFrom(into: $0) }) else {
                return
            }
            guard let token = sessionByClient[client] ?? startSession(for: client), var session = sessions[token] else {
                continue
            }
            session.lastActivity = .now
            sessions[token] = session
            let outcome = buffer.withUnsafeBytes {
                session.socket.sendOutcome(UnsafeRawBufferPointer(rebasing: $0[0..<count]))
            }
            if case .failed = outcome { end(token) }
        }
    }

    private func startSession(for client: SocketAddressV4) -> UInt64? {
        guard sessions.count < maximumSessions, let backend = backends.nextCandidates().first else { return nil }
        guard let socket = try? Socket.open(.udp, nonBlocking: true) else { return nil }
        do {
            // A connected UDP socket only accepts datagrams from its backend and reports refusals.
            _ = try socket.startConnect(to: backend)
            let token = nextToken
            nextToken += 1
            try epoll.add(socket.descriptor, .readable, token: token)
            sessions[token] = Session(client: client, socket: socket, lastActivity: .now)
            sessionByClient[client] = token
            return token
        } catch {
            socket.close()
            return nil
        }
    }

    private func fromBackend(_ token: UInt64) {
        guard var session = sessions[token] else { return }
        for _ in 0..<64 {
            switch buffer.withUnsafeMutableBytes({ session.socket.receiveOutcome(into: $0) }) {
            case .wouldBlock: return
            case .failed:
                return end(token)
            case .endOfStream:
                // An empty datagram is a datagram: relay it.
                _ = buffer.withUnsafeBytes {
                    try? listener.send(UnsafeRawBufferPointer(rebasing: $0[0..<0]), to: session.client)
                }
            case .transferred(let count):
                session.lastActivity = .now
                sessions[token] = session
                _ = buffer.withUnsafeBytes {
                    try? listener.send(UnsafeRawBufferPointer(rebasing: $0[0..<count]), to: session.client)
                }
            }
        }
    }

    private func expireIdleSessions() {
        let now = ContinuousClock.now
        for (token, session) in sessions where now - session.lastActivity > idleTimeout { end(token) }
    }

    private func end(_ token: UInt64) {
        guard let session = sessions.removeValue(forKey: token) else { return }
        sessionByClient[session.client] = nil
        epoll.remove(session.socket.descriptor)
        session.socket.close()
    }
}
