/// berth's rules in the kernel's nf_tables, for one berth root. It owns one table
/// (`RootTable.name`) with a chain per network, plus the accept rules it inserts into the
/// host's `ip filter FORWARD` chain (tagged with a comment naming that table); it never
/// touches any other rule of the host.
///
/// Per network: bridged and routed traffic of the network's bridge is accepted; replies and
/// published-port (DNAT) traffic into it are accepted, anything else into it is dropped; from
/// a non-internal network traffic may leave through any interface except another berth
/// bridge, masqueraded as the host; an internal network's traffic stays on its bridge.
public struct Firewall: Sendable {
    public let table: RootTable

    public init(root: String) {
        table = RootTable(root: root)
    }

    /// What `install` did beyond berth's own table, for the user to read.
    public struct Outcome: Sendable, Equatable {
        public var hostPath: HostForwardPath
        /// Things berth could not do on this host, each with the command that would.
        public var warnings: [String]
    }

    /// Installs (or replaces) the rules of `network` in one transaction: all or nothing.
    @discardableResult
    public func install(_ network: FirewallNetwork) throws(FirewallError) -> Outcome {
        let network = try network.validated()
        let listing = try Self.listing()
        let host = HostForwardPath.detect(listing)
        // x_tables hooks see every packet too, beside any nf_tables table.
        let legacyLoaded = (HostForwardPath.legacyTableNames() ?? "").split(whereSeparator: \.isNewline)
            .contains { $0 == "filter" }
        let legacy = legacyLoaded ? try LegacyForwardChain.read() : nil
        if let legacy, legacy.policyDrops, !legacy.accepts(network.bridge) {
            throw FirewallError(
                "this host's iptables-legacy FORWARD chain drops forwarded traffic by policy, and berth does not edit "
                    + "iptables-legacy (only nf_tables)",
                hint:
                    "let network \(network.name) through with `iptables-legacy -I FORWARD -i \(network.bridge) -j ACCEPT "
                    + "&& iptables-legacy -I FORWARD -o \(network.bridge) -j ACCEPT` and run the command again, or move "
                    + "the host to iptables-nft (update-alternatives --set iptables /usr/sbin/iptables-nft)")
        }
        var commands = removal(of: network.name, in: listing, dropTableWhenEmpty: false)
        commands += skeleton(listing)
        commands += rules(for: network, host: host)
        try NftablesSession().run(commands.joined(separator: "\n") + "\n")
        var warnings: [String] = []
        if let legacy, legacy.hasRules, !legacy.accepts(network.bridge) {
            warnings.append(
                "this host's iptables-legacy FORWARD chain has rules that may drop forwarded traffic of network "
                    + "\(network.name) (berth edits nf_tables only); if containers cannot reach each other, run: "
                    + "iptables-legacy -I FORWARD -i \(network.bridge) -j ACCEPT && "
                    + "iptables-legacy -I FORWARD -o \(network.bridge) -j ACCEPT")
        }
        for chain in HostForwardPath.foreignDroppingChains(listing, own: table.table) {
            warnings.append(
                "chain \(chain.table.family) \(chain.table.name) \(chain.name) drops forwarded traffic by policy and "
                    + "berth does not edit it; to let network \(network.name) through, run: nft insert rule "
                    + "\(chain.table.family) \(chain.table.name) \(chain.name) iifname \(network.bridge) accept "
                    + "&& nft insert rule \(chain.table.family) \(chain.table.name) \(chain.name) oifname "
                    + "\(network.bridge) accept")
        }
        return Outcome(hostPath: host, warnings: warnings)
    }

    /// Removes every rule and chain berth made for `network`, and berth's table once no
    /// network is left in it. Removing what is already gone is not an error.
    public func remove(network name: String) throws(FirewallError) {
        let listing = try Self.listing()
        let commands = removal(of: name, in: listing, dropTableWhenEmpty: true)
        guard !commands.isEmpty else { return }
        try NftablesSession().run(commands.joined(separator: "\n") + "\n")
    }

    /// The rules berth has in the kernel for `network`, one line each, as nft prints them,
    /// prefixed with the table and chain they are in.
    public func describe(network name: String) throws(FirewallError) -> [String] {
        let text = try NftablesSession().run("list ruleset\n")
        let comment = "comment \"\(table.comment(for: name))\""
        return RulesetText.rules(in: text).compactMap { rule in
            let own = rule.table == "ip \(table.name)" && rule.chain == RootTable.forwardChain(name)
            guard own || rule.text.contains(comment) else { return nil }
            return "\(rule.table) \(rule.chain): \(rule.text)"
        }
    }

    /// Whether every rule `install` makes for `network` is still there: its chain and its jumps
    /// in berth's table, and the accepts in the host's FORWARD chain when that chain exists.
    /// A host firewall reload (`iptables -F`, `iptables-restore`, `ufw reload`) removes the
    /// latter; the network daemon checks this and installs again.
    public func isInstalled(_ network: FirewallNetwork) throws(FirewallError) -> Bool {
        let listing = try Self.listing()
        let comment = table.comment(for: network.name)
        guard listing.chain(.init(table: table.table, name: RootTable.forwardChain(network.name))) != nil,
            listing.rules(in: .init(table: table.table, name: RootTable.forward)).filter({ $0.comment == comment })
                .count == 2
        else { return false }
        guard case .iptablesNft = HostForwardPath.detect(listing) else { return true }
        return listing.rules(in: HostForwardPath.forwardChain).filter { $0.comment == comment }.count == 2
    }

    /// Networks that have a chain in this root's table.
    public func networks() throws(FirewallError) -> [String] {
        let listing = try Self.listing()
        return listing.chains.filter { $0.table == table.table && $0.name.hasPrefix("fwd-") }
            .map { String($0.name.dropFirst(4)) }
    }

    static func listing() throws(FirewallError) -> RulesetListing {
        try RulesetListing(json: try NftablesSession(json: true).run("list ruleset\n"))
    }

    // MARK: commands

    private var qualified: String { "ip \(table.name)" }

    /// The table and its base chains, added only when missing (`add` of an existing table or
    /// chain would be harmless, but a base chain's definition must then match exactly).
    func skeleton(_ listing: RulesetListing) -> [String] {
        var commands: [String] = []
        if !listing.hasTable(table.table) { commands.append("add table \(qualified)") }
        let base = [
            (RootTable.forward, "type filter hook forward priority filter; policy accept;"),
            (RootTable.postrouting, "type nat hook postrouting priority srcnat; policy accept;"),
        ]
        for (name, definition) in base where listing.chain(.init(table: table.table, name: name)) == nil {
            commands.append("add chain \(qualified) \(name) { \(definition) }")
        }
        return commands
    }

    func rules(for network: FirewallNetwork, host: HostForwardPath) -> [String] {
        let chain = "\(qualified) \(RootTable.forwardChain(network.name))"
        let bridge = "\"\(network.bridge)\""
        let tag = "comment \"\(table.comment(for: network.name))\""
        var commands = [
            "add chain \(chain)",
            "add rule \(chain) iifname \(bridge) oifname \(bridge) accept",
            // Published ports (kernel DNAT) reached from this network, another one or the host.
            "add rule \(chain) iifname \(bridge) ct status dnat accept",
            "add rule \(chain) oifname \(bridge) ct state established,related accept",
            "add rule \(chain) oifname \(bridge) ct status dnat accept",
            "add rule \(chain) oifname \(bridge) drop",
        ]
        if network.isInternal {
            commands.append("add rule \(chain) iifname \(bridge) drop")
        } else {
            // Not into another berth network (of any root): networks stay apart as in docker.
            commands.append("add rule \(chain) iifname \(bridge) oifname \"btbr*\" drop")
            commands.append("add rule \(chain) iifname \(bridge) accept")
            commands.append(
                "add rule \(qualified) \(RootTable.postrouting) ip saddr \(network.subnet) oifname != \(bridge) "
                    + "masquerade \(tag)")
            // Published-port traffic from loopback (route_localnet) or from a container (hairpin)
            // must come back through the host: its source becomes the gateway. Other hosts'
            // clients keep their address.
            commands.append(
                "add rule \(qualified) \(RootTable.postrouting) oifname \(bridge) ct status dnat ip saddr 127.0.0.0/8 "
                    + "masquerade \(tag)")
            commands.append(
                "add rule \(qualified) \(RootTable.postrouting) oifname \(bridge) ct status dnat iifname \"btbr*\" "
                    + "masquerade \(tag)")
        }
        commands.append(
            "add rule \(qualified) \(RootTable.forward) iifname \(bridge) jump \(RootTable.forwardChain(network.name)) \(tag)"
        )
        commands.append(
            "add rule \(qualified) \(RootTable.forward) oifname \(bridge) jump \(RootTable.forwardChain(network.name)) \(tag)"
        )
        if case .iptablesNft = host {
            // The host's chain only has to let the bridge's traffic through to berth's own
            // chain, which holds the narrow rules; plain interface matches are also what
            // iptables-nft can show (`iptables -S FORWARD` lists them as -i/-o ... -j ACCEPT).
            let forward = "ip filter FORWARD"
            commands.append("insert rule \(forward) oifname \(bridge) accept \(tag)")
            commands.append("insert rule \(forward) iifname \(bridge) accept \(tag)")
        }
        return commands
    }

    /// Deletes the network's tagged rules (in berth's table and the host's filter table) and
    /// its chain; with `dropTableWhenEmpty`, the whole table when no other network is left
    /// (a project's port chain cannot outlive the networks its DNAT targets are on).
    func removal(of network: String, in listing: RulesetListing, dropTableWhenEmpty: Bool) -> [String] {
        let comment = table.comment(for: network)
        var commands: [String] = []
        let chainName = RootTable.forwardChain(network)
        let others = listing.chains.filter {
            $0.table == table.table && $0.name.hasPrefix("fwd-") && $0.name != chainName
        }
        let dropTable = dropTableWhenEmpty && listing.hasTable(table.table) && others.isEmpty
        for rule in listing.rules where rule.comment == comment {
            if dropTable && rule.chain.table == table.table { continue }
            commands.append(
                "delete rule \(rule.chain.table.family) \(rule.chain.table.name) \(rule.chain.name) handle \(rule.handle)"
            )
        }
        if dropTable {
            commands.append("delete table \(qualified)")
        } else if listing.chain(.init(table: table.table, name: chainName)) != nil {
            commands.append("flush chain \(qualified) \(chainName)")
            commands.append("delete chain \(qualified) \(chainName)")
        }
        return commands
    }
}
