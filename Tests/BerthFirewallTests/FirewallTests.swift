import BerthSystem
import Glibc
import Testing

@testable import BerthFirewall

/// Runs `body` in a fresh network namespace that is gone (with every nf_tables object in it)
/// when the test ends, failing or not.
func inFreshNamespace<T>(_ body: () throws -> T) throws -> T {
    let namespace = try NetworkNamespace.create()
    defer { namespace.close() }
    return try namespace.run(body)
}

/// The host state Docker and podman leave: iptables-nft's filter table with FORWARD policy drop
/// and one rule of theirs in it.
func makeDockerLikeForwardDrop() throws {
    try NftablesSession().run(
        """
        add table ip filter
        add chain ip filter FORWARD { type filter hook forward priority filter; policy drop; }
        add rule ip filter FORWARD oifname "docker0" accept comment "theirs"
        """)
}

let network = FirewallNetwork(
    name: "berthtest_default", bridge: "btbr-0123456789", subnet: "10.213.200.0/24", isInternal: false)

@Suite(.enabled(if: getuid() == 0, "nf_tables needs CAP_NET_ADMIN"))
struct FirewallKernelTests {
    @Test func installsOneTablePerRootAndRemovesItWithTheLastNetwork() throws {
        try inFreshNamespace {
            let firewall = Firewall(root: "/tmp/berth-root-a")
            let outcome = try firewall.install(network)
            #expect(outcome.hostPath == .open)
            #expect(outcome.warnings.isEmpty)
            let listing = try Firewall.listing()
            #expect(listing.tables.map(\.name) == [firewall.table.name])
            #expect(try firewall.networks() == ["berthtest_default"])
            let shown = try firewall.describe(network: network.name)
            #expect(shown.contains { $0.contains("masquerade") && $0.contains("10.213.200.0/24") })
            #expect(shown.contains { $0.contains("fwd-berthtest_default") && $0.contains("ct status dnat accept") })
            try firewall.remove(network: network.name)
            #expect(try Firewall.listing().tables.isEmpty)
        }
    }

    @Test func insertsAcceptsIntoTheHostForwardChainAndLeavesTheirRulesAlone() throws {
        try inFreshNamespace {
            try makeDockerLikeForwardDrop()
            let firewall = Firewall(root: "/tmp/berth-root-a")
            let outcome = try firewall.install(network)
            #expect(outcome.hostPath == .iptablesNft(policy: "drop"))
            let forward = RulesetListing.Chain.ID(table: .init(family: "ip", name: "filter"), name: "FORWARD")
            let comments = try Firewall.listing().rules(in: forward).map(\.comment)
            let tag = "\(firewall.table.name) \(network.name)"
            #expect(comments == [tag, tag, "theirs"])
            #expect(
                try firewall.describe(network: network.name).contains { $0.hasPrefix("ip filter FORWARD: iifname") })
            // Installing again replaces rather than duplicates.
            try firewall.install(network)
            #expect(try Firewall.listing().rules(in: forward).count == 3)
            try firewall.remove(network: network.name)
            let after = try Firewall.listing()
            #expect(after.rules(in: forward).map(\.comment) == ["theirs"])
            #expect(after.chain(forward)?.policy == "drop")
            #expect(!after.tables.contains { $0.name.hasPrefix("berth-") })
        }
    }

    @Test func twoRootsNeverTouchEachOthersRules() throws {
        try inFreshNamespace {
            try makeDockerLikeForwardDrop()
            let first = Firewall(root: "/tmp/berth-root-a")
            let second = Firewall(root: "/tmp/berth-root-b")
            #expect(first.table != second.table)
            try first.install(network)
            try second.install(network)
            try first.remove(network: network.name)
            #expect(try second.networks() == [network.name])
            #expect(try second.describe(network: network.name).count >= 8)
            #expect(try first.describe(network: network.name).isEmpty)
            try second.remove(network: network.name)
            #expect(try Firewall.listing().tables.map(\.name) == ["filter"])
        }
    }

    @Test func internalNetworksGetNoMasquerade() throws {
        try inFreshNamespace {
            let firewall = Firewall(root: "/tmp/berth-root-a")
            var isolated = network
            isolated.isInternal = true
            try firewall.install(isolated)
            let shown = try firewall.describe(network: isolated.name)
            #expect(!shown.contains { $0.contains("masquerade") })
            #expect(shown.contains { $0.hasSuffix("iifname \"btbr-0123456789\" drop") })
            try firewall.remove(network: isolated.name)
        }
    }

    @Test func reportsAForeignDroppingForwardChainWithTheCommandToRun() throws {
        try inFreshNamespace {
            try NftablesSession().run(
                "add table inet berthtest\nadd chain inet berthtest berthfwd { type filter hook forward priority 0; policy drop; }\n"
            )
            let firewall = Firewall(root: "/tmp/berth-root-a")
            let outcome = try firewall.install(network)
            #expect(outcome.warnings.count == 1)
            #expect(
                outcome.warnings.first?.contains(
                    "nft insert rule inet berthtest berthfwd iifname btbr-0123456789 accept") == true)
            try firewall.remove(network: network.name)
        }
    }
}

@Suite struct FirewallNamingTests {
    @Test func refusesNamesThatCouldBreakOutOfAnNftCommand() {
        var bad = network
        bad.name = "x\" ; flush ruleset ; \""
        #expect(throws: FirewallError.self) { try bad.validated() }
        var badSubnet = network
        badSubnet.subnet = "10.0.0.0/24 accept"
        #expect(throws: FirewallError.self) { try badSubnet.validated() }
    }

    @Test func detectsLegacyIptablesOnlyWithoutAnNftFilterTable() {
        #expect(HostForwardPath.detect(RulesetListing(), legacyTables: "filter\nnat\n") == .iptablesLegacy)
        #expect(HostForwardPath.detect(RulesetListing(), legacyTables: nil) == .open)
        let chain = RulesetListing.Chain(
            table: .init(family: "ip", name: "filter"), name: "FORWARD", hook: "forward", policy: "drop")
        #expect(
            HostForwardPath.detect(RulesetListing(chains: [chain]), legacyTables: "filter\n")
                == .iptablesNft(policy: "drop"))
    }
}

@Suite struct PublishedPortRuleTests {
    @Test func oneReplicaIsAPlainDNATAndSeveralARoundRobinMap() throws {
        let single = PublishedPort(
            hostIP: "127.0.0.1", hostPort: 8080, transport: "tcp", targetPort: 80, backends: ["10.213.0.2"])
        #expect(try single.rule() == "ip daddr 127.0.0.1 tcp dport 8080 dnat to 10.213.0.2:80")
        let many = PublishedPort(
            hostIP: "0.0.0.0", hostPort: 53, transport: "udp", targetPort: 5353, backends: ["10.213.0.2", "10.213.0.3"])
        #expect(
            try many.rule()
                == "fib daddr type local udp dport 53 dnat to numgen inc mod 2 map { 0 : 10.213.0.2, 1 : 10.213.0.3 }:5353"
        )
        var none = many
        none.backends = []
        #expect(try none.rule() == nil)
    }

    @Test func refusesWhatCouldBreakOutOfTheCommand() {
        let bad = PublishedPort(
            hostIP: "0.0.0.0; flush ruleset", hostPort: 80, transport: "tcp", targetPort: 80, backends: ["10.213.0.2"])
        #expect(throws: FirewallError.self) { try bad.rule() }
        let sctp = PublishedPort(
            hostIP: "0.0.0.0", hostPort: 80, transport: "sctp", targetPort: 80, backends: ["10.213.0.2"])
        #expect(throws: FirewallError.self) { try sctp.rule() }
    }
}

@Suite struct RulesetTextTests {
    @Test func rulesCarryTheirTableAndChainWithoutHandles() {
        let listing = """
            table ip berth-0a1b2c3d { # handle 4
            \tchain forward { # handle 1
            \t\ttype filter hook forward priority filter; policy accept;
            \t\tiifname "btbr-1" jump fwd-app_default comment "berth-0a1b2c3d app_default" # handle 7
            \t}
            }
            """
        #expect(
            RulesetText.rules(in: listing) == [
                .init(
                    table: "ip berth-0a1b2c3d", chain: "forward",
                    text: "iifname \"btbr-1\" jump fwd-app_default comment \"berth-0a1b2c3d app_default\"")
            ])
    }
}

@Suite(.enabled(if: getuid() == 0, "nf_tables needs CAP_NET_ADMIN"))
struct PublishedPortKernelTests {
    @Test func aProjectsPortChainIsReplacedWholeAndRemovedWithItsJumps() throws {
        try inFreshNamespace {
            let firewall = Firewall(root: "/tmp/berth-root-a")
            try firewall.install(network)
            let port = PublishedPort(
                hostIP: "0.0.0.0", hostPort: 8080, transport: "tcp", targetPort: 80, backends: ["10.213.200.2"])
            try firewall.publish(project: "berthtest", ports: [port])
            var two = port
            two.backends.append("10.213.200.3")
            try firewall.publish(project: "berthtest", ports: [two])
            let chain = RulesetListing.Chain.ID(table: firewall.table.table, name: "ports-berthtest")
            #expect(try Firewall.listing().rules(in: chain).count == 1)
            try firewall.publish(project: "berthtest", ports: [])
            let after = try Firewall.listing()
            #expect(after.chain(chain) == nil)
            #expect(!after.rules.contains { $0.comment?.contains("ports:") == true })
            try firewall.remove(network: network.name)
            #expect(try Firewall.listing().tables.isEmpty)
        }
    }
}
