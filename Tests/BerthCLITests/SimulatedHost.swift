import BerthNetwork
import BerthSystem
import Foundation
import Synchronization
import Testing

@testable import BerthFirewall

#if canImport(Glibc)
    import Glibc
#endif

/// A host berth runs on, and the world beyond it, all made by the test in network namespaces
/// it removes again: `berth-fwh-<tag>` plays the host (default route to the router, optionally
/// Docker's firewall: iptables-nft `FORWARD` policy drop with `br_netfilter` on), and
/// `berth-fwu-<tag>` the router upstream, with an HTTP server on 192.0.2.1:80 and two DNS
/// resolvers (192.0.2.1 and 192.0.2.3, which answer `outside.example` with their own address).
/// berth runs inside the host namespace through `nsenter --net` (network namespace only, so its
/// mounts and processes are the machine's as usual).
final class SimulatedHost {
    static let upstream = "192.0.2.1"
    static let otherResolver = "192.0.2.3"
    static let host = "192.0.2.2"

    let hostName: String
    let upstreamName: String
    let hostNamespace: NetworkNamespace
    let upstreamNamespace: NetworkNamespace
    private var resolvers: [DNSServer] = []
    private let web: Socket
    /// Shared with the upstream HTTP server's thread.
    final class ServerState: Sendable {
        let stop = Atomic<Bool>(false)
        /// Source addresses the upstream HTTP server saw.
        let clients = Mutex<[String]>([])
    }
    let serverState = ServerState()
    private let server: Thread

    init(dockerFirewall: Bool) throws {
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        hostName = "berth-fwh-\(tag)"
        upstreamName = "berth-fwu-\(tag)"
        let hostLink = "bt\(tag)h"
        let upLink = "bt\(tag)u"
        var made: [String] = []
        do {
            for (arguments, undo) in [
                (["netns", "add", hostName], hostName), (["netns", "add", upstreamName], upstreamName),
            ] {
                try Self.ip(arguments)
                made.append(undo)
            }
            try Self.ip([
                "link", "add", hostLink, "netns", hostName, "type", "veth", "peer", "name", upLink, "netns",
                upstreamName,
            ])
            try Self.ip(["-n", hostName, "addr", "add", "\(Self.host)/24", "dev", hostLink])
            try Self.ip(["-n", upstreamName, "addr", "add", "\(Self.upstream)/24", "dev", upLink])
            try Self.ip(["-n", upstreamName, "addr", "add", "\(Self.otherResolver)/24", "dev", upLink])
            for (namespace, link) in [(hostName, hostLink), (upstreamName, upLink)] {
                try Self.ip(["-n", namespace, "link", "set", "lo", "up"])
                try Self.ip(["-n", namespace, "link", "set", link, "up"])
            }
            try Self.ip(["-n", hostName, "route", "add", "default", "via", Self.upstream])
            hostNamespace = try NetworkNamespace.open(path: "/run/netns/\(hostName)")
            upstreamNamespace = try NetworkNamespace.open(path: "/run/netns/\(upstreamName)")
        } catch {
            for name in made { _ = try? Self.ip(["netns", "del", name]) }
            throw error
        }
        if dockerFirewall {
            try hostNamespace.run {
                try NftablesSession().run(
                    """
                    add table ip filter
                    add chain ip filter FORWARD { type filter hook forward priority filter; policy drop; }
                    add rule ip filter FORWARD oifname "docker0" accept
                    """)
                // What `modprobe br_netfilter` leaves in every namespace: bridged IPv4 goes
                // through the FORWARD chains above.
                let fd = try FileDescriptor.open("/proc/sys/net/bridge/bridge-nf-call-iptables", O_WRONLY)
                defer { fd.close() }
                try fd.writeAll(Array("1".utf8))
            }
        }
        web = try upstreamNamespace.run {
            let socket = try Socket.open(.tcp)
            try socket.setReuseAddress()
            try socket.bind(to: try #require(IPv4Address(Self.upstream)).socketAddress(port: 80))
            try socket.listen()
            return socket
        }
        for address in [Self.upstream, Self.otherResolver] {
            let table = DNSRecordTable()
            let own = try #require(IPv4Address(address))
            table.set("outside.example", to: [own])
            resolvers.append(
                try upstreamNamespace.run {
                    try DNSServer(responder: DNSResponder(table: table), bindTo: own.socketAddress(port: 53))
                })
        }
        let listener = web
        let state = serverState
        server = Thread {
            // Bounded: at most 10 minutes of 100 ms polls.
            for _ in 0..<6000 where !state.stop.load(ordering: .relaxed) {
                guard
                    (try? Poll.wait(for: listener.descriptor, events: Int16(POLLIN), timeout: .milliseconds(100)))
                        == true,
                    let (connection, peer) = (try? listener.accept()) ?? nil
                else { continue }
                state.clients.withLock { $0.append(IPv4Address(peer.host).description) }
                var request = [UInt8](repeating: 0, count: 4096)
                _ = try? Poll.wait(for: connection.descriptor, events: Int16(POLLIN), timeout: .seconds(2))
                _ = try? request.withUnsafeMutableBytes { try connection.receive(into: $0) }
                try? connection.sendAll(
                    Array("HTTP/1.0 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\nupstream-ok\n".utf8))
                connection.close()
            }
        }
        server.start()
    }

    /// Stops the servers and removes both namespaces (with every link, bridge and nf_tables
    /// object inside them).
    func remove() {
        serverState.stop.store(true, ordering: .relaxed)
        for resolver in resolvers { resolver.stop() }
        while !server.isFinished { usleep(10_000) }
        web.close()
        hostNamespace.close()
        upstreamNamespace.close()
        _ = try? Self.ip(["netns", "del", hostName])
        _ = try? Self.ip(["netns", "del", upstreamName])
    }

    /// `berth <command> --root R <arguments…>` inside the simulated host's network namespace.
    func berth(
        _ fixture: StackFixture, _ command: [String], _ arguments: [String] = [], environment: [String: String] = [:]
    ) throws -> BerthBinary.Result {
        try BerthBinary.run(
            executable: "/usr/bin/nsenter",
            ["--net=/run/netns/\(hostName)", "--", BerthBinary.path] + command + ["--root", fixture.root] + arguments,
            environment: ["NO_COLOR": "1"].merging(environment) { $1 }, timeout: .seconds(120))
    }

    /// What a reload of the host's firewall does to berth's accepts: `iptables -F FORWARD`.
    func flushHostForwardChain() throws {
        _ = try hostNamespace.run { try NftablesSession().run("flush chain ip filter FORWARD\n") }
    }

    /// berth's rules as the host's nf_tables holds them: tables named berth-*, and rules whose
    /// comment names berth anywhere.
    func berthObjects() throws -> [String] {
        try hostNamespace.run {
            let listing = try Firewall.listing()
            return listing.tables.filter { $0.name.hasPrefix("berth") }.map { "table \($0.family) \($0.name)" }
                + listing.rules.filter { $0.comment?.contains("berth") == true }.map {
                    "rule in \($0.chain.table.name) \($0.chain.name): \($0.comment ?? "")"
                }
        }
    }

    /// GET `path` from inside `namespace`; the body, or nil.
    static func httpGet(in namespace: NetworkNamespace, address: String, port: Int, path: String = "/") -> String? {
        try? namespace.run { () -> String? in
            guard let target = IPv4Address(address), let port = UInt16(exactly: port) else { return nil }
            let socket = try Socket.open(.tcp)
            defer { socket.close() }
            try socket.connect(to: target.socketAddress(port: port), timeout: .seconds(3))
            try socket.sendAll(Array("GET \(path) HTTP/1.0\r\nHost: test\r\n\r\n".utf8))
            var response: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            for _ in 0..<256 {
                guard try Poll.wait(for: socket.descriptor, events: Int16(POLLIN), timeout: .seconds(3)),
                    let count = try buffer.withUnsafeMutableBytes({ try socket.receive(into: $0) }), count > 0
                else { break }
                response += buffer.prefix(count)
            }
            let text = String(decoding: response, as: UTF8.self)
            // CGI scripts end their headers with a bare blank line.
            guard let end = text.firstRange(of: "\r\n\r\n") ?? text.firstRange(of: "\n\n") else { return nil }
            return String(text[end.upperBound...])
        }
    }

    @discardableResult
    static func ip(_ arguments: [String]) throws -> BerthBinary.Result {
        let result = try BerthBinary.run(executable: "/usr/sbin/ip", arguments, environment: [:], timeout: .seconds(20))
        guard result.status == 0 else {
            throw SimulatedHostError(message: "ip \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result
    }
}

struct SimulatedHostError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
