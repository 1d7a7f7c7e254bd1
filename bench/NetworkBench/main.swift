// berth-network-bench: drives berth's port proxy and DNS server for bench/network.sh.
//
//   berth-network-bench proxy LISTEN_PORT BACKEND...   relay 127.0.0.1:LISTEN_PORT (to PORT or ADDR:PORT) until stdin closes
//   berth-network-bench dns QUERIES                         time QUERIES sequential UDP lookups
import BerthNetwork
import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

func fail(_ message: String) -> Never {
    try? FileDescriptor.standardError.writeAll(Array("berth-network-bench: \(message)\n".utf8))
    exit(2)
}

func runProxy(_ arguments: ArraySlice<String>) throws {
    guard let listen = arguments.first.flatMap({ UInt16($0) }) else { fail("proxy needs LISTEN_PORT BACKEND_PORT...") }
    // A backend is a loopback port, or ADDRESS:PORT (bench/network-stack.sh: a container).
    let backends = arguments.dropFirst().compactMap { argument -> SocketAddressV4? in
        let parts = argument.split(separator: ":")
        if parts.count == 2, let address = IPv4Address(parts[0]), let port = UInt16(parts[1]) {
            return address.socketAddress(port: port)
        }
        return UInt16(argument).map { SocketAddressV4.loopback(port: $0) }
    }
    guard !backends.isEmpty else { fail("proxy needs at least one BACKEND_PORT") }
    let proxy = try TCPProxy(listenOn: .loopback(port: listen), backends: BackendSet(backends))
    try FileDescriptor.standardOutput.writeAll(Array("proxy listening on \(proxy.address)\n".utf8))
    // Runs until the driving script closes our stdin.
    var byte: UInt8 = 0
    while read(0, &byte, 1) > 0 {}
    proxy.stop()
}

func runDNS(_ arguments: ArraySlice<String>) throws {
    let queries = arguments.first.flatMap { Int($0) } ?? 20000
    let table = DNSRecordTable([
        "web": [IPv4Address(10, 213, 1, 2), IPv4Address(10, 213, 1, 3), IPv4Address(10, 213, 1, 4)]
    ])
    let server = try DNSServer(responder: DNSResponder(table: table), bindTo: .loopback(port: 0))
    defer { server.stop() }
    let socket = try Socket.open(.udp)
    defer { socket.close() }
    try socket.connect(to: server.address, timeout: .seconds(1))
    var buffer = [UInt8](repeating: 0, count: 1500)
    var latencies: [Duration] = []
    latencies.reserveCapacity(queries)
    let start = ContinuousClock.now
    for index in 0..<queries {
        let query = DNSMessage(
            id: UInt16(truncatingIfNeeded: index), questions: [DNSQuestion(name: "web", type: DNSRecord.typeA)])
        let sentAt = ContinuousClock.now
        try socket.sendAll(query.encoded())
        guard try Poll.wait(for: socket.descriptor, events: Int16(POLLIN), timeout: .seconds(1)) else {
            fail("query \(index) timed out")
        }
        guard let count = try buffer.withUnsafeMutableBytes({ try socket.receive(into: $0) }), count > 12 else {
            fail("empty reply")
        }
        latencies.append(ContinuousClock.now - sentAt)
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    latencies.sort()
    func micros(_ d: Duration) -> Double {
        Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6
    }
    let rate = Int(Double(queries) / seconds)
    let p50 = Int(micros(latencies[queries / 2]))
    let p99 = Int(micros(latencies[queries * 99 / 100]))
    print("dns: \(queries) queries in \(Int(seconds * 1000))ms = \(rate) queries/s, p50 \(p50)us p99 \(p99)us")
}

let arguments = CommandLine.arguments.dropFirst()
do {
    switch arguments.first {
    case "proxy": try runProxy(arguments.dropFirst())
    case "dns": try runDNS(arguments.dropFirst())
    default: fail("usage: berth-network-bench proxy LISTEN_PORT BACKEND_PORT... | dns QUERIES")
    }
} catch {
    fail("\(error)")
}
