import BerthSystem
import Foundation
import Testing

@testable import BerthNetwork

/// A minimal client for the tests: one query over UDP or TCP with a deadline.
enum TestDNSClient {
    static func query(_ name: String, server: SocketAddressV4, tcp: Bool = false, timeout: Duration = .seconds(3))
        throws -> DNSMessage
    {
        let id = UInt16.random(in: 0...UInt16.max)
        let request = DNSMessage(id: id, questions: [DNSQuestion(name: name, type: DNSRecord.typeA)]).encoded()
        let socket = try Socket.open(tcp ? .tcp : .udp)
        defer { socket.close() }
        try socket.connect(to: server, timeout: timeout)
        try socket.sendAll(tcp ? [UInt8(request.count >> 8), UInt8(request.count & 0xFF)] + request : request)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard
                try Poll.wait(
                    for: socket.descriptor, events: Int16(POLLIN_VALUE),
                    timeout: ContinuousClock.now.duration(to: deadline))
            else { break }
            let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) } ?? 0
            if count == 0 { break }
            received += buffer.prefix(count)
            if !tcp { break }
            if received.count >= 2, received.count >= 2 + (Int(received[0]) << 8 | Int(received[1])) {
                received.removeFirst(2)
                break
            }
        }
        let reply = try DNSMessage(parsing: received)
        guard reply.id == id else { throw TestSetupError("reply id \(reply.id) does not match query id \(id)") }
        return reply
    }
}

/// Runs a program with a time limit and returns its standard output.
func runProgram(_ path: String, _ arguments: [String], timeout: Duration = .seconds(10)) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
    if process.isRunning { process.terminate() }
    return String(decoding: data, as: UTF8.self)
}

@Suite(.serialized) struct DNSServerTests {
    @Test func digResolvesServiceNamesOverUDPAndTCP() throws {
        let table = DNSRecordTable([
            "web": [try ip("10.213.1.2"), try ip("10.213.1.3")], "db.shop": [try ip("10.213.1.9")],
        ])
        let server = try DNSServer(responder: DNSResponder(table: table), bindTo: .loopback(port: 0))
        defer { server.stop() }
        let port = String(server.address.port)
        let udp = try runProgram(
            "/usr/bin/dig", ["@127.0.0.1", "-p", port, "web", "A", "+short", "+time=2", "+tries=1"])
        #expect(Set(udp.split(separator: "\n").map(String.init)) == ["10.213.1.2", "10.213.1.3"])
        let tcp = try runProgram(
            "/usr/bin/dig", ["@127.0.0.1", "-p", port, "db.shop", "A", "+short", "+tcp", "+time=2", "+tries=1"])
        #expect(tcp.trimmingCharacters(in: .whitespacesAndNewlines) == "10.213.1.9")
        let missing = try runProgram(
            "/usr/bin/dig", ["@127.0.0.1", "-p", port, "example.com", "A", "+time=2", "+tries=1"])
        #expect(missing.contains("status: NXDOMAIN"))
        // dig falls back to TCP by itself when the UDP answer comes back truncated.
        table.set("big", to: (1...200).map { IPv4Address(10, 213, 3, UInt8($0)) })
        let big = try runProgram(
            "/usr/bin/dig", ["@127.0.0.1", "-p", port, "big", "A", "+short", "+noedns", "+time=2", "+tries=1"])
        #expect(big.split(separator: "\n").count == 200)
    }

    @Test func swiftClientSeesLiveUpdatesOverBothTransports() throws {
        let table = DNSRecordTable()
        let server = try DNSServer(responder: DNSResponder(table: table), bindTo: .loopback(port: 0))
        defer { server.stop() }
        #expect(try TestDNSClient.query("api", server: server.address).flags.responseCode == .nameError)
        table.set("api", to: [try ip("10.213.1.20")])
        #expect(
            try TestDNSClient.query("api", server: server.address).answers.first?.ipv4?.description == "10.213.1.20")
        #expect(
            try TestDNSClient.query("api", server: server.address, tcp: true).answers.first?.ipv4?.description
                == "10.213.1.20")
    }

    @Test func portAlreadyTakenIsAClearError() throws {
        let blocker = try Socket.open(.udp)
        defer { blocker.close() }
        try blocker.bind(to: .loopback(port: 0))
        let taken = try blocker.localAddress()
        let error = #expect(throws: DNSServerError.self) {
            _ = try DNSServer(responder: DNSResponder(table: DNSRecordTable()), bindTo: taken)
        }
        #expect(error?.description.contains("EADDRINUSE") == true)
    }

    @Test func containerQueriesTheServerOnItsNetworksGatewayAddress() throws {
        let host = try NetworkNamespace.create()
        defer { host.close() }
        let container = try NetworkNamespace.create()
        defer { container.close() }
        let subnet = try IPv4Subnet(parsing: "10.213.5.0/24")
        let network = BridgeNetwork(bridgeName: "btbr-dns", subnet: subnet, gateway: subnet.firstHost)
        let table = DNSRecordTable(["web": [try ip("10.213.5.2")]])
        let server = try host.run { () throws -> DNSServer in
            let netlink = try RouteNetlink()
            try network.create(using: netlink)
            try network.attach(container, hostInterface: "btv-dns", address: try ip("10.213.5.2"), using: netlink)
            return try DNSServer(responder: DNSResponder(table: table), bindTo: network.gateway.socketAddress(port: 53))
        }
        defer { server.stop() }
        let answers = try container.run {
            try TestDNSClient.query("web", server: network.gateway.socketAddress(port: 53)).answers.compactMap(\.ipv4)
        }
        #expect(answers == [try ip("10.213.5.2")])
    }
}
