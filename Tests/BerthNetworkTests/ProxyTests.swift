import BerthSystem
import Testing

@testable import BerthNetwork

@Suite struct TCPProxyTests {
    @Test func connectionsAreSpreadRoundRobinOverAllBackends() throws {
        let backends = try (1...3).map { try TestTCPBackend(name: "b\($0)", mode: .identify) }
        defer { for backend in backends { backend.stop() } }
        let proxy = try TCPProxy(listenOn: .loopback(port: 0), backends: BackendSet(backends.map(\.address)))
        defer { proxy.stop() }
        var hits: [String: Int] = [:]
        for index in 0..<9 {
            let answer = try request("req\(index)", to: proxy.address)
            let parts = answer.split(separator: ":")
            #expect(parts.last.map(String.init) == "req\(index)")
            hits[parts.first.map(String.init) ?? "none", default: 0] += 1
        }
        #expect(hits == ["b1": 3, "b2": 3, "b3": 3])
    }

    @Test func removedBackendIsNoLongerUsed() throws {
        let backends = try (1...3).map { try TestTCPBackend(name: "b\($0)", mode: .identify) }
        defer { for backend in backends { backend.stop() } }
        let set = BackendSet(backends.map(\.address))
        let proxy = try TCPProxy(listenOn: .loopback(port: 0), backends: set)
        defer { proxy.stop() }
        set.update([backends[0].address, backends[1].address])
        var seen = Set<String>()
        for index in 0..<8 { seen.insert(String(try request("x\(index)", to: proxy.address).prefix(2))) }
        #expect(seen == ["b1", "b2"])
    }

    @Test func refusingBackendFallsThroughToTheNextOne() throws {
        let alive = try TestTCPBackend(name: "alive", mode: .identify)
        defer { alive.stop() }
        let dead = try refusingPort(.tcp)
        let proxy = try TCPProxy(listenOn: .loopback(port: 0), backends: BackendSet([dead, alive.address]))
        defer { proxy.stop() }
        for index in 0..<4 { #expect(try request("r\(index)", to: proxy.address) == "alive:r\(index)") }
    }

    @Test func withNoBackendsTheClientIsClosedAtOnce() throws {
        let proxy = try TCPProxy(listenOn: .loopback(port: 0), backends: BackendSet())
        defer { proxy.stop() }
        // Closed with the request unread, the connection ends in a reset (or a plain EOF).
        do {
            #expect(try request("anyone?", to: proxy.address) == "")
        } catch let error as SystemCallError {
            #expect(error.errno.description.hasPrefix("ECONNRESET"))
        }
    }

    @Test func largeStreamIsRelayedIntactInBothDirections() throws {
        let echo = try TestTCPBackend(name: "echo", mode: .echo)
        defer { echo.stop() }
        let proxy = try TCPProxy(listenOn: .loopback(port: 0), backends: BackendSet([echo.address]))
        defer { proxy.stop() }
        let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let socket = try Socket.open(.tcp)
        defer { socket.close() }
        try socket.connect(to: proxy.address, timeout: .seconds(3))
        try socket.setNonBlocking(true)
        var sent = 0
        var received: [UInt8] = []
        received.reserveCapacity(payload.count)
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + .seconds(30)
        var shut = false
        while ContinuousClock.now < deadline {
            if sent < payload.count,
                let n = try payload.withUnsafeBytes({ try socket.send(UnsafeRawBufferPointer(rebasing: $0[sent...])) })
            {
                sent += n
            }
            if sent == payload.count && !shut {
                socket.shutdownWrite()
                shut = true
            }
            let outcome = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
            if let count = outcome {
                if count == 0 { break }
                received += buffer.prefix(count)
            } else {
                _ = try Poll.wait(
                    for: socket.descriptor, events: Int16(POLLIN_VALUE | POLLOUT_VALUE), timeout: .milliseconds(100))
            }
        }
        #expect(received.count == payload.count)
        #expect(received == payload)
    }

    @Test func manySimultaneousConnectionsAreAllServed() throws {
        let backends = try (1...3).map { try TestTCPBackend(name: "b\($0)", mode: .identify) }
        defer { for backend in backends { backend.stop() } }
        let proxy = try TCPProxy(listenOn: .loopback(port: 0), backends: BackendSet(backends.map(\.address)))
        defer { proxy.stop() }
        var clients: [Socket] = []
        defer { for client in clients { client.close() } }
        for index in 0..<60 {
            let socket = try Socket.open(.tcp)
            clients.append(socket)
            try socket.connect(to: proxy.address, timeout: .seconds(3))
            try socket.sendAll(Array("c\(index)".utf8))
            socket.shutdownWrite()
        }
        var answered = 0
        for (index, client) in clients.enumerated()
        where try readAll(client, timeout: .seconds(10)).hasSuffix(":c\(index)") {
            answered += 1
        }
        #expect(answered == 60)
    }

    @Test func clientVanishingMidStreamDoesNotTakeTheProxyDown() throws {
        let echo = try TestTCPBackend(name: "echo", mode: .echo)
        defer { echo.stop() }
        let proxy = try TCPProxy(listenOn: .loopback(port: 0), backends: BackendSet([echo.address]))
        defer { proxy.stop() }
        for _ in 0..<3 {
            let socket = try Socket.open(.tcp)
            try socket.connect(to: proxy.address, timeout: .seconds(3))
            try socket.setNonBlocking(true)
            let chunk = [UInt8](repeating: 0x61, count: 65536)
            // Push data without reading the echo, then vanish while the proxy is still writing back.
            for _ in 0..<64 { _ = try chunk.withUnsafeBytes { try socket.send($0) } }
            socket.close()
        }
        let identify = try TestTCPBackend(name: "after", mode: .identify)
        defer { identify.stop() }
        proxy.backends.update([identify.address])
        #expect(try request("still there?", to: proxy.address) == "after:still there?")
    }

    @Test func takenPortIsReportedClearly() throws {
        let blocker = try Socket.open(.tcp)
        defer { blocker.close() }
        try blocker.bind(to: .loopback(port: 0))
        try blocker.listen()
        let taken = try blocker.localAddress()
        let probe = #expect(throws: PortUnavailableError.self) { try PortProbe.checkAvailable(taken, .tcp) }
        #expect(
            probe?.description
                == "cannot publish \(taken)/tcp: the port is already in use by another program; stop it or choose another host port"
        )
        #expect(throws: PortUnavailableError.self) { _ = try TCPProxy(listenOn: taken, backends: BackendSet()) }
        try PortProbe.checkAvailable(try refusingPort(.tcp), .tcp)
        let foreign = #expect(throws: PortUnavailableError.self) {
            try PortProbe.checkAvailable(SocketAddressV4(host: 0xC633_6401, port: 8080), .udp)
        }
        #expect(foreign?.description.contains("not an address of this machine") == true)
    }
}

@Suite struct UDPProxyTests {
    @Test func datagramsRoundTripAndClientsAreSpreadOverBackends() throws {
        let backends = try (1...2).map { try TestUDPBackend(name: "u\($0)") }
        defer { for backend in backends { backend.stop() } }
        let proxy = try UDPProxy(listenOn: .loopback(port: 0), backends: BackendSet(backends.map(\.address)))
        defer { proxy.stop() }
        var seen: [String] = []
        for _ in 0..<2 {
            let client = try Socket.open(.udp)
            defer { client.close() }
            let first = try #require(try exchange("ping", on: client, to: proxy.address, timeout: .seconds(2)))
            // The same client stays on its backend for the whole session.
            let second = try #require(try exchange("again", on: client, to: proxy.address, timeout: .seconds(2)))
            #expect(first.hasSuffix(":ping") && second.hasSuffix(":again"))
            #expect(first.prefix(2) == second.prefix(2))
            seen.append(String(first.prefix(2)))
        }
        #expect(Set(seen) == ["u1", "u2"])
    }

    @Test func idleSessionExpiresAndTheNextDatagramPicksAgain() throws {
        let backends = try (1...2).map { try TestUDPBackend(name: "u\($0)") }
        defer { for backend in backends { backend.stop() } }
        let proxy = try UDPProxy(
            listenOn: .loopback(port: 0), backends: BackendSet(backends.map(\.address)), idleTimeout: .milliseconds(100)
        )
        defer { proxy.stop() }
        let client = try Socket.open(.udp)
        defer { client.close() }
        let first = try #require(try exchange("a", on: client, to: proxy.address, timeout: .seconds(2)))
        // Wait (bounded) for the session to lapse: a later datagram lands on the other backend.
        var switched = false
        let deadline = ContinuousClock.now + .seconds(5)
        while !switched && ContinuousClock.now < deadline {
            _ = try Poll.wait(for: client.descriptor, events: Int16(POLLIN_VALUE), timeout: .milliseconds(150))
            let next = try exchange("b", on: client, to: proxy.address, timeout: .seconds(2))
            switched = next.map { $0.prefix(2) != first.prefix(2) } ?? false
        }
        #expect(switched)
    }

    @Test func refusingBackendEndsTheSessionAndTheClientMovesOn() throws {
        let alive = try TestUDPBackend(name: "ok")
        defer { alive.stop() }
        let proxy = try UDPProxy(
            listenOn: .loopback(port: 0), backends: BackendSet([try refusingPort(.udp), alive.address]))
        defer { proxy.stop() }
        let client = try Socket.open(.udp)
        defer { client.close() }
        var answer: String?
        for _ in 0..<10 where answer == nil {
            answer = try exchange("hi", on: client, to: proxy.address, timeout: .milliseconds(300))
        }
        #expect(answer == "ok:hi")
    }
}
