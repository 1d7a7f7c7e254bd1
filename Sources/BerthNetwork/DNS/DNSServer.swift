import BerthSystem

/// berth's embedded DNS server for one network: UDP and TCP (length-prefixed) on the same
/// address and port, normally the network's gateway address on its bridge, port 53. One
/// thread, one epoll loop; answers come from a live `DNSRecordTable`.
public final class DNSServer: Sendable {
    /// Where the server listens (with the real port when 0 was asked for).
    public let address: SocketAddressV4
    private let udp: Socket
    private let tcp: Socket
    private let notifier: EventNotifier
    private let thread: JoinableThread

    /// Binds both sockets and starts serving. Port 0 picks a free port (same for UDP and TCP).
    public init(responder: DNSResponder, bindTo requested: SocketAddressV4) throws {
        var attempt = 0
        while true {
            attempt += 1
            let udp = try Socket.open(.udp, nonBlocking: true)
            let tcp: Socket
            do {
                try udp.bind(to: requested)
                let bound = try udp.localAddress()
                tcp = try Socket.open(.tcp, nonBlocking: true)
                do {
                    try tcp.setReuseAddress()
                    try tcp.bind(to: bound)
                    try tcp.listen(backlog: 64)
                } catch {
                    tcp.close()
                    throw error
                }
                address = bound
            } catch let error as SystemCallError
                where requested.port == 0 && error.errno.rawValue == EADDRINUSE_VALUE && attempt < 8
            {
                udp.close()
                continue  // the TCP side of a random UDP port was taken: pick another port
            } catch {
                udp.close()
                throw DNSServerError(address: requested, underlying: error)
            }
            self.udp = udp
            self.tcp = tcp
            break
        }
        do {
            let notifier = try EventNotifier()
            self.notifier = notifier
            do {
                let loop = try DNSEventLoop(responder: responder, udp: udp, tcp: tcp, notifier: notifier)
                thread = try JoinableThread { loop.run() }
            } catch {
                notifier.close()
                throw error
            }
        } catch {
            udp.close()
            tcp.close()
            throw error
        }
    }

    /// Stops serving and closes the sockets; waits for the loop thread to finish.
    public func stop() {
        notifier.signal()
        thread.join()
        udp.close()
        tcp.close()
        notifier.close()
    }
}

public struct DNSServerError: Error, CustomStringConvertible {
    public var address: SocketAddressV4
    public var underlying: any Error
    public var description: String {
        "cannot start the DNS server on \(address) (udp+tcp): \(underlying); another program may be using the port"
    }
}

/// The server loop's state; lives on the loop thread only.
private final class DNSEventLoop: @unchecked Sendable {
    private struct Connection {
        var socket: Socket
        var input: [UInt8] = []
        var output: [UInt8] = []
        var lastActivity: ContinuousClock.Instant
        var peer: IPv4Address
    }

    private static let stopToken: UInt64 = 0
    private static let udpToken: UInt64 = 1
    private static let tcpToken: UInt64 = 2
    private static let firstConnectionToken: UInt64 = 16
    private static let maximumConnections = 256
    private static let idleTimeout: Duration = .seconds(10)
    private static let maximumRelays = 256
    /// How long one upstream server gets before the next is tried (then SERVFAIL).
    private static let upstreamTimeout: Duration = .milliseconds(1500)

    /// A query for an outside name on its way to an upstream server, answered from the loop
    /// when the reply comes (no thread per query, bounded in number and in time).
    private struct Relay {
        enum Asker {
            case datagram(SocketAddressV4)
            case stream(UInt64)
        }
        var socket: Socket
        var query: [UInt8]
        var asker: Asker
        var servers: ArraySlice<SocketAddressV4>
        var deadline: ContinuousClock.Instant
    }
    private var relays: [UInt64: Relay] = [:]

    private let responder: DNSResponder
    private let udp: Socket
    private let tcp: Socket
    private let notifier: EventNotifier
    private let epoll: Epoll
    private var connections: [UInt64: Connection] = [:]
    private var nextToken = firstConnectionToken
    private var listenerPausedUntil: ContinuousClock.Instant?
    private var buffer = [UInt8](repeating: 0, count: 65536)

    init(responder: DNSResponder, udp: Socket, tcp: Socket, notifier: EventNotifier) throws {
        self.responder = responder
        self.udp = udp
        self.tcp = tcp
        self.notifier = notifier
        epoll = try Epoll()
        try epoll.add(notifier.descriptor, .readable, token: DNSEventLoop.stopToken)
        try epoll.add(udp.descriptor, .readable, token: DNSEventLoop.udpToken)
        try epoll.add(tcp.descriptor, .readable, token: DNSEventLoop.tcpToken)
    }

    func run() {
        defer {
            for connection in connections.values { connection.socket.close() }
            for relay in relays.values { relay.socket.close() }
            epoll.close()
        }
        while true {
            let shortWait = listenerPausedUntil != nil || !relays.isEmpty
            guard let events = try? epoll.wait(timeoutMilliseconds: shortWait ? 50 : 1000) else {
                return
            }
            for event in events {
                switch event.token {
                case DNSEventLoop.stopToken: return
                case DNSEventLoop.udpToken: serveDatagrams()
                case DNSEventLoop.tcpToken: acceptConnections()
                case let token where relays[token] != nil: finishRelay(token)
                default: serviceConnection(event.token, event.events)
                }
            }
            closeIdleConnections()
            expireRelays()
            if let until = listenerPausedUntil, until <= .now {
                listenerPausedUntil = nil
                try? epoll.add(tcp.descriptor, .readable, token: DNSEventLoop.tcpToken)
            }
        }
    }

    /// Answers every queued datagram (bounded per wake-up so TCP clients are not starved).
    private func serveDatagrams() {
        for _ in 0..<256 {
            guard let (count, client) = buffer.withUnsafeMutableBytes({ try? udp.receiveFrom(into: $0) }) else {
                return
            }
            let query = Array(buffer.prefix(count))
            let targets = responder.forwardTargets(for: query, from: IPv4Address(client.host))
            if !targets.isEmpty {
                startRelay(query, to: targets[...], for: .datagram(client))
                continue
            }
            guard
                let reply = responder.respond(
                    to: Array(buffer.prefix(count)), overTCP: false, from: IPv4Address(client.host))
            else { continue }
            _ = reply.withUnsafeBytes { try? udp.send($0, to: client) }
        }
    }

    private func acceptConnections() {
        for _ in 0..<64 {
            let accepted: (Socket, SocketAddressV4)?
            do {
                accepted = try tcp.accept()
            } catch {
                // Out of descriptors: stop watching the listener briefly instead of spinning.
                epoll.remove(tcp.descriptor)
                listenerPausedUntil = .now + .milliseconds(100)
                return
            }
            guard let (socket, peer) = accepted else { return }
            guard connections.count < DNSEventLoop.maximumConnections else {
                socket.close()
                continue
            }
            let token = nextToken
            nextToken += 1
            do {
                try epoll.add(socket.descriptor, .readable, token: token)
                connections[token] = Connection(socket: socket, lastActivity: .now, peer: IPv4Address(peer.host))
            } catch {
                socket.close()
            }
        }
    }

    private func serviceConnection(_ token: UInt64, _ events: Epoll.Events) {
        guard var connection = connections[token] else { return }
        connection.lastActivity = .now
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) {
            switch buffer.withUnsafeMutableBytes({ connection.socket.receiveOutcome(into: $0) }) {
            case .endOfStream, .failed: return close(token)
            case .wouldBlock: break
            case .transferred(let count): connection.input += buffer.prefix(count)
            }
            guard connection.input.count <= 65537 + 2 else { return close(token) }
            // Each query is a 2-byte big-endian length and the message.
            while connection.input.count >= 2 {
                let length = Int(connection.input[0]) << 8 | Int(connection.input[1])
                guard connection.input.count >= 2 + length else { break }
                let query = Array(connection.input[2..<(2 + length)])
                connection.input.removeFirst(2 + length)
                let targets = responder.forwardTargets(for: query, from: connection.peer)
                if !targets.isEmpty {
                    startRelay(query, to: targets[...], for: .stream(token))
                    continue
                }
                if let reply = responder.respond(to: query, overTCP: true, from: connection.peer) {
                    connection.output += [UInt8(reply.count >> 8), UInt8(reply.count & 0xFF)] + reply
                }
            }
        }
        if !connection.output.isEmpty {
            switch connection.output.withUnsafeBytes({ connection.socket.sendOutcome($0) }) {
            case .endOfStream, .failed: return close(token)
            case .wouldBlock: break
            case .transferred(let count): connection.output.removeFirst(count)
            }
        }
        let wanted: Epoll.Events = connection.output.isEmpty ? .readable : [.readable, .writable]
        try? epoll.modify(connection.socket.descriptor, wanted, token: token)
        connections[token] = connection
    }

    // MARK: relaying to upstream servers

    private func startRelay(_ query: [UInt8], to servers: ArraySlice<SocketAddressV4>, for asker: Relay.Asker) {
        guard relays.count < DNSEventLoop.maximumRelays, let server = servers.first,
            let socket = try? Socket.open(.udp, nonBlocking: true)
        else { return answer(asker, with: responder.serverFailure(for: query)) }
        let token = nextToken
        nextToken += 1
        let sent = query.withUnsafeBytes { try? socket.send($0, to: server) }
        guard sent != nil, (try? epoll.add(socket.descriptor, .readable, token: token)) != nil else {
            socket.close()
            return startRelay(query, to: servers.dropFirst(), for: asker)
        }
        relays[token] = Relay(
            socket: socket, query: query, asker: asker, servers: servers,
            deadline: .now + DNSEventLoop.upstreamTimeout)
    }

    /// Passes the upstream reply on if it is the answer to the relayed query (same server,
    /// same ID); anything else on the socket is ignored.
    private func finishRelay(_ token: UInt64) {
        guard let relay = relays[token], let server = relay.servers.first else { return }
        for _ in 0..<8 {
            guard let (count, from) = buffer.withUnsafeMutableBytes({ try? relay.socket.receiveFrom(into: $0) })
            else { return }
            guard from == server, count >= 12, buffer[0] == relay.query[0], buffer[1] == relay.query[1] else {
                continue
            }
            let reply = Array(buffer.prefix(count))
            dropRelay(token)
            return answer(relay.asker, with: reply)
        }
    }

    private func expireRelays() {
        let now = ContinuousClock.now
        for (token, relay) in relays where relay.deadline <= now {
            dropRelay(token)
            startRelay(relay.query, to: relay.servers.dropFirst(), for: relay.asker)
        }
    }

    private func dropRelay(_ token: UInt64) {
        guard let relay = relays.removeValue(forKey: token) else { return }
        epoll.remove(relay.socket.descriptor)
        relay.socket.close()
    }

    private func answer(_ asker: Relay.Asker, with reply: [UInt8]?) {
        guard let reply else { return }
        switch asker {
        case .datagram(let client):
            _ = reply.withUnsafeBytes { try? udp.send($0, to: client) }
        case .stream(let token):
            guard var connection = connections[token] else { return }
            connection.output += [UInt8(reply.count >> 8), UInt8(reply.count & 0xFF)] + reply
            connections[token] = connection
            serviceConnection(token, [])
        }
    }

    private func close(_ token: UInt64) {
        guard let connection = connections.removeValue(forKey: token) else { return }
        epoll.remove(connection.socket.descriptor)
        connection.socket.close()
    }

    private func closeIdleConnections() {
        let now = ContinuousClock.now
        for (token, connection) in connections where now - connection.lastActivity > DNSEventLoop.idleTimeout {
            close(token)
        }
    }
}

#if canImport(Glibc)
    import Glibc
    let EADDRINUSE_VALUE = EADDRINUSE
#endif
