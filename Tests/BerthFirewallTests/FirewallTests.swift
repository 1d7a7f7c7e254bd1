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
