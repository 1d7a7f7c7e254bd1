import BerthSystem
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// berth on a host with Docker's firewall (FORWARD policy drop, br_netfilter) and on one with
/// no firewall at all: containers reach each other, published ports, berth's DNS, and the
/// simulated outside world (masqueraded, names relayed to the host's resolver or the service's
/// own `dns:`), an internal network reaches nothing, and `down` leaves no rule behind.
@Suite(.serialized, .enabled(if: getuid() == 0, "makes network namespaces, bridges and nf_tables rules"))
struct HostFirewallTests {
    static let stack = """
        name: berthfw
        services:
          web:
            image: busybox:latest
            command:
              - sh
              - -c
              - |
                mkdir -p /www/cgi-bin
                echo web-ok > /www/index.html
                printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $$REMOTE_ADDR\\n' > /www/cgi-bin/ip
                chmod +x /www/cgi-bin/ip
                exec httpd -f -p 80 -h /www
            ports:
              - "0.0.0.0:${FW_PORT}:80"
          client:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
          custom:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
            dns: [192.0.2.3]
          isolated:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
            networks: [sealed]
        networks:
          sealed:
            internal: true
        """

    @Test(.timeLimit(.minutes(4)), arguments: [true, false])
    func containersReachEachOtherPublishedPortsDNSAndTheOutsideWithNoManualRule(dockerFirewall: Bool) throws {
        let fixture = try StackFixture()
        let host = try SimulatedHost(dockerFirewall: dockerFirewall)
        let compose = try fixture.directory.write("berthfw/compose.yaml", Self.stack).path
        let resolvConf = try fixture.directory.write("resolv.conf", "nameserver \(SimulatedHost.upstream)\n").path
        let port = 18000 + Int.random(in: 0..<2000)
        let env = ["FW_PORT": String(port), "BERTH_RESOLV_CONF": resolvConf]
        let files = ["-f", compose]
        defer {
            _ = try? host.berth(fixture, ["down"], files + ["-t", "1"], environment: env)
            fixture.cleanUp([:])
            host.remove()
        }
        func exec(_ service: String, _ command: [String]) throws -> BerthBinary.Result {
            try host.berth(fixture, ["exec"], files + [service] + command, environment: env)
        }

        let up = try host.berth(fixture, ["up"], files + ["-d", "--wait"], environment: env)
        try #require(up.status == 0, "\(up.stderr)")

        let byName = try exec("client", ["timeout", "10", "wget", "-qO-", "http://web/"])
        #expect(byName.stdout == "web-ok\n", "container to container: \(byName.stderr)")
        let lookup = try exec("client", ["nslookup", "web"])
        #expect(lookup.status == 0, "berth's DNS: \(lookup.stdout) \(lookup.stderr)")

        let listed = try host.berth(fixture, ["network", "ls"], ["-q"])
        #expect(listed.stdout == "berthfw_default\nberthfw_sealed\n", "stack networks listed: \(listed.stdout)")
        let inspect = try host.berth(fixture, ["network", "inspect"], ["berthfw_default", "--format", "json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let gateway = try #require(
            inspect.stdout.split(separator: "\"").drop { $0 != "Gateway" }.dropFirst(2).first.map(String.init))
        let published = try exec("client", ["timeout", "10", "wget", "-qO-", "http://\(gateway):\(port)/"])
        #expect(published.stdout == "web-ok\n", "container to published port: \(published.stderr)")
        #expect(SimulatedHost.httpGet(in: host.hostNamespace, address: "127.0.0.1", port: port) == "web-ok\n")
        #expect(
            SimulatedHost.httpGet(in: host.upstreamNamespace, address: SimulatedHost.host, port: port) == "web-ok\n",
            "from another host")
        // Served by the kernel (DNAT), not the proxy: the client's own address reaches the container.
        // busybox httpd gives REMOTE_ADDR as [::ffff:a.b.c.d].
        let seen = SimulatedHost.httpGet(
            in: host.upstreamNamespace, address: SimulatedHost.host, port: port, path: "/cgi-bin/ip")
        #expect(seen == "[::ffff:\(SimulatedHost.upstream)]\n", "client address kept: \(seen ?? "no answer")")
        if dockerFirewall {
            #expect(inspect.stdout.contains("ip filter FORWARD: iifname"), "\(inspect.stdout)")
            // A reload of the host's firewall (`iptables -F FORWARD`) drops berth's accepts;
            // the network daemon puts them back within seconds.
            try host.flushHostForwardChain()
            let clock = ContinuousClock()
            let flushed = clock.now
            var restored = false
            while !restored && clock.now - flushed < .seconds(20) {
                restored = try host.berthObjects().contains { $0.hasPrefix("rule in filter FORWARD") }
                if !restored { usleep(100_000) }  // pacing a bounded poll, as StackFixture.cleanUp does
            }
            #expect(restored, "berth's FORWARD accepts were not restored")
        }

        let egress = try exec("client", ["timeout", "10", "wget", "-qO-", "http://\(SimulatedHost.upstream)/"])
        #expect(egress.stdout == "upstream-ok\n", "egress: \(egress.stderr)")
        #expect(host.serverState.clients.withLock { $0 } == [SimulatedHost.host], "masqueraded as the host")
        let outside = try exec("client", ["nslookup", "outside.example"])
        #expect(outside.stdout.contains("Address: \(SimulatedHost.upstream)"), "relayed: \(outside.stdout)")
        let own = try exec("custom", ["nslookup", "outside.example"])
        #expect(own.stdout.contains("Address: \(SimulatedHost.otherResolver)"), "service dns: \(own.stdout)")

        let sealed = try exec("isolated", ["timeout", "10", "wget", "-qO-", "http://\(SimulatedHost.upstream)/"])
        #expect(sealed.status != 0 && !sealed.stdout.contains("upstream-ok"), "internal network got out")
        let sealedName = try exec("isolated", ["nslookup", "outside.example"])
        #expect(!sealedName.stdout.contains("Address: \(SimulatedHost.upstream)"), "internal network resolved out")
        #expect(try host.berthObjects().isEmpty == false)

        let down = try host.berth(fixture, ["down"], files + ["-t", "1"], environment: env)
        #expect(down.status == 0, "\(down.stderr)")
        #expect(try host.berthObjects() == [], "berth's nf_tables objects left after down")
    }

    static let replicated = """
        name: berthrr
        services:
          web:
            image: busybox:latest
            command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && touch /healthy && exec httpd -f -p 80 -h /www"]
            healthcheck:
              test: ["CMD", "test", "-f", "/healthy"]
              interval: 1s
              timeout: 1s
              retries: 1
            ports:
              - "0.0.0.0:${RR_PORT}:80"
        """

    /// The kernel path balances over healthy replicas and drops one that turns unhealthy.
    @Test(.timeLimit(.minutes(3)))
    func kernelPortsRoundRobinOverHealthyReplicasAndFollowHealth() throws {
        let fixture = try StackFixture()
        let host = try SimulatedHost(dockerFirewall: true)
        let compose = try fixture.directory.write("berthrr/compose.yaml", Self.replicated).path
        let port = 18000 + Int.random(in: 2000..<4000)
        let env = ["RR_PORT": String(port)]
        let files = ["-f", compose]
        defer {
            _ = try? host.berth(fixture, ["down"], files + ["-t", "1"], environment: env)
            fixture.cleanUp([:])
            host.remove()
        }
        let up = try host.berth(fixture, ["up"], files + ["-d", "--wait"], environment: env)
        try #require(up.status == 0, "\(up.stderr)")
        let scale = try host.berth(fixture, ["scale"], files + ["web=2"], environment: env)
        try #require(scale.status == 0, "\(scale.stderr)")
        func answers(_ count: Int) -> [String] {
            (0..<count).compactMap {
                _ in SimulatedHost.httpGet(in: host.upstreamNamespace, address: SimulatedHost.host, port: port)
            }
        }
        // The new replica joins once its first probe passes.
        let clock = ContinuousClock()
        var seen = Set<String>()
        let joining = clock.now
        while seen.count < 2 && clock.now - joining < .seconds(15) { seen.formUnion(answers(4)) }
        #expect(seen == ["berthrr-web-1\n", "berthrr-web-2\n"], "round robin from another host")
        let balanced = answers(6)
        #expect(balanced.filter { $0 == "berthrr-web-1\n" }.count == 3, "alternates: \(balanced)")

        let sick = try host.berth(
            fixture, ["exec"], files + ["--index", "2", "web", "rm", "/healthy"], environment: env)
        try #require(sick.status == 0, "\(sick.stderr)")
        // Health is probed every second; the DNAT map follows within a second of the change.
        let start = clock.now
        var recent: [String] = []
        while clock.now - start < .seconds(15) {
            recent = answers(4)
            if recent == Array(repeating: "berthrr-web-1\n", count: 4) { break }
        }
        #expect(recent == Array(repeating: "berthrr-web-1\n", count: 4), "the unhealthy replica still gets traffic")
        #expect(clock.now - start < .seconds(5), "took \(clock.now - start)")

        // A network of no project keeps berth's table; a killed daemon cannot clean up after
        // itself; `down` still leaves no rule of the project behind.
        let keep = try host.berth(fixture, ["network", "create"], ["berthkeep"])
        try #require(keep.status == 0, "\(keep.stderr)")
        defer { _ = try? host.berth(fixture, ["network", "rm"], ["berthkeep"]) }
        let stateFile = fixture.root + "/projects/berthrr/state.json"
        let state = try #require(
            FileManager.default.contents(atPath: stateFile).flatMap {
                try JSONSerialization.jsonObject(with: $0) as? [String: Any]
            })
        let daemon = try #require(state["networkDaemonPid"] as? Int32)
        kill(daemon, SIGKILL)
        let down = try host.berth(fixture, ["down"], files + ["-t", "1"], environment: env)
        #expect(down.status == 0, "\(down.stderr)")
        let left = try host.berthObjects()
        #expect(!left.contains { $0.contains("berthrr") }, "left after down: \(left)")
        let removed = try host.berth(fixture, ["network", "rm"], ["berthkeep"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try host.berthObjects() == [])
    }

    /// iptables-legacy with FORWARD policy DROP: berth cannot edit it, so creating a network
    /// fails before anything is made, naming the two commands that let it through; after
    /// them it works.
    @Test(.timeLimit(.minutes(2)))
    func legacyForwardDropIsAClearErrorWithTheCommandsToRun() throws {
        let fixture = try StackFixture()
        let host = try SimulatedHost(dockerFirewall: false)
        defer {
            _ = try? host.berth(fixture, ["network", "rm"], ["berthlegacy"])
            fixture.cleanUp([:])
            host.remove()
        }
        func legacy(_ arguments: [String]) throws {
            try SimulatedHost.ip(["netns", "exec", host.hostName, "iptables-legacy"] + arguments)
        }
        try legacy(["-P", "FORWARD", "DROP"])
        let refused = try host.berth(fixture, ["network", "create"], ["berthlegacy"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("iptables-legacy FORWARD chain drops"), "\(refused.stderr)")
        #expect(try host.berth(fixture, ["network", "ls"], ["-q"]).stdout == "", "nothing is left of the network")
        let commands = refused.stderr.split(separator: "`").dropFirst().first.map(String.init) ?? ""
        let bridges = commands.split(separator: " ").filter { $0.hasPrefix("btbr") }.map(String.init)
        try #require(bridges.count == 2, "the error names the bridge twice: \(refused.stderr)")
        try legacy(["-I", "FORWARD", "-i", bridges[0], "-j", "ACCEPT"])
        try legacy(["-I", "FORWARD", "-o", bridges[1], "-j", "ACCEPT"])
        let created = try host.berth(fixture, ["network", "create"], ["berthlegacy"])
        #expect(created.status == 0, "\(created.stderr)")
    }
}
