import BerthSystem
import Glibc
import Testing

@testable import BerthNetwork

/// berth's DNS server relays names outside the stack to upstream resolvers (the host's, or a
/// service's `dns:`), over UDP and TCP, and never relays the stack's own names.
@Suite(.serialized, .enabled(if: getuid() == 0, "runs resolvers on port 53 in a fresh network namespace"))
struct DNSRelayTests {
    @Test func unknownDottedNamesGoUpstreamAndStackNamesNever() throws {
        let namespace = try NetworkNamespace.create()
        defer { namespace.close() }
        try namespace.run {
            try RouteNetlink().setUp("lo")
            let hostResolver = DNSRecordTable()
            hostResolver.set("outside.example", to: [try ip("192.0.2.10")])
            hostResolver.set("db.berthtest", to: [try ip("192.0.2.99")])
            let serviceResolver = DNSRecordTable()
            serviceResolver.set("outside.example", to: [try ip("192.0.2.20")])
            let upstreams = [
                try DNSServer(
                    responder: DNSResponder(table: hostResolver), bindTo: try ip("127.0.0.2").socketAddress(port: 53)),
                try DNSServer(
                    responder: DNSResponder(table: serviceResolver), bindTo: try ip("127.0.0.3").socketAddress(port: 53)
                ),
            ]
            defer { for upstream in upstreams { upstream.stop() } }

            let scope = DNSScope()
            let asker = try ip("127.0.0.1")
            scope.replaceAll(
                records: [.init(names: ["db", "db.berthtest"], address: try ip("10.213.7.2"), network: "other")],
                members: [:])
            let upstream = DNSUpstream()
            upstream.replaceAll(defaults: [try ip("127.0.0.2")], perAsker: [:])
            let server = try DNSServer(
                responder: DNSResponder(scope: scope, network: "front", upstream: upstream), bindTo: .loopback(port: 0))
            defer { server.stop() }

            for tcp in [false, true] {
                let relayed = try TestDNSClient.query("outside.example", server: server.address, tcp: tcp)
                #expect(relayed.answers.first?.ipv4?.description == "192.0.2.10", "tcp: \(tcp)")
            }
            // A name of the stack (even one on a network the asker is not on) stays inside.
            #expect(try TestDNSClient.query("db.berthtest", server: server.address).flags.responseCode == .nameError)
            #expect(try TestDNSClient.query("nosuchservice", server: server.address).flags.responseCode == .nameError)

            upstream.replaceAll(defaults: [try ip("127.0.0.2")], perAsker: [asker: [try ip("127.0.0.3")]])
            let own = try TestDNSClient.query("outside.example", server: server.address)
            #expect(own.answers.first?.ipv4?.description == "192.0.2.20", "the service's dns: server")

            upstream.replaceAll(defaults: [try ip("127.0.0.9")], perAsker: [:])
            let silent = try TestDNSClient.query("outside.example", server: server.address, timeout: .seconds(5))
            #expect(silent.flags.responseCode == .serverFailure, "no upstream answered")
        }
    }

    @Test func readsIPv4NameserversFromResolvConf() throws {
        let text = "# generated\nsearch lan\nnameserver 192.0.2.53\nnameserver fe80::1\nnameserver\t192.0.2.54\n"
        #expect(DNSUpstream.nameservers(inResolvConf: text).map(\.description) == ["192.0.2.53", "192.0.2.54"])
    }
}
