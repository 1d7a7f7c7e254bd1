/// Published ports served by the kernel: destination NAT from the host port to the running,
/// healthy replicas, chosen round robin per connection (`numgen inc`), for traffic from other
/// hosts (prerouting) and from the host itself (output), loopback included (the bridge has
/// `route_localnet` on and loopback sources are masqueraded as the gateway, as docker does
/// without its user-space proxy). Clients from other hosts keep their source address.
public struct PublishedPort: Hashable, Sendable {
    public var hostIP: String
    public var hostPort: Int
    /// `tcp` or `udp`.
    public var transport: String
    public var targetPort: Int
    /// Container addresses, in a stable order; no rule at all while empty (the port is then
    /// answered by berth's user-space proxy, which holds it and closes the connection).
    public var backends: [String]

    public init(hostIP: String, hostPort: Int, transport: String, targetPort: Int, backends: [String]) {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.transport = transport
        self.targetPort = targetPort
        self.backends = backends
    }

    /// The nft rule, or nil when there is nothing to send the traffic to. Addresses and
    /// ports are re-validated here: they go into a command buffer.
    func rule() throws(FirewallError) -> String? {
        guard !backends.isEmpty else { return nil }
        guard transport == "tcp" || transport == "udp", (1...65535).contains(hostPort), (1...65535).contains(targetPort)
        else {
            throw FirewallError("published port \(hostIP):\(hostPort)/\(transport) -> \(targetPort) cannot be served")
        }
        for address in [hostIP] + backends where !Self.isIPv4(address) {
            throw FirewallError("published port \(hostIP):\(hostPort): \(address) is not an IPv4 address")
        }
        let match = hostIP == "0.0.0.0" ? "fib daddr type local" : "ip daddr \(hostIP)"
        let target =
            backends.count == 1
            ? backends[0]
            : "numgen inc mod \(backends.count) map { "
                + backends.enumerated().map { "\($0.offset) : \($0.element)" }.joined(separator: ", ") + " }"
        return "\(match) \(transport) dport \(hostPort) dnat to \(target):\(targetPort)"
    }

    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { $0.count <= 3 && UInt8($0) != nil }
    }
}

extension Firewall {
    static let prerouting = "prerouting"
    static let output = "output"

    static func portsChain(_ project: String) -> String { "ports-\(project)" }

    func portsTag(_ project: String) -> String { "comment \"\(table.comment(for: "ports:\(project)"))\"" }

    /// Makes the project's published ports exactly `ports`, in one transaction. Called by
    /// the project's network daemon on every change of replicas or health.
    public func publish(project: String, ports: [PublishedPort]) throws(FirewallError) {
        guard FirewallNetwork.isIdentifier(project) else {
            throw FirewallError("project name \"\(project)\" cannot name a firewall chain")
        }
        var rules: [String] = []
        for port in ports { if let rule = try port.rule() { rules.append(rule) } }
        let listing = try Self.listing()
        let chain = "ip \(table.name) \(Self.portsChain(project))"
        var commands: [String] = []
        if rules.isEmpty {
            commands = portsRemoval(project, in: listing)
        } else {
            commands += skeleton(listing)
            for (name, hook) in [(Self.prerouting, "prerouting"), (Self.output, "output")]
            where listing.chain(.init(table: table.table, name: name)) == nil {
                commands.append(
                    "add chain ip \(table.name) \(name) { type nat hook \(hook) priority -100; policy accept; }")
            }
            if listing.chain(.init(table: table.table, name: Self.portsChain(project))) == nil {
                commands.append("add chain \(chain)")
                for base in [Self.prerouting, Self.output] {
                    commands.append(
                        "add rule ip \(table.name) \(base) jump \(Self.portsChain(project)) \(portsTag(project))")
                }
            } else {
                commands.append("flush chain \(chain)")
            }
            commands += rules.map { "add rule \(chain) \($0)" }
        }
        guard !commands.isEmpty else { return }
        try NftablesSession().run(commands.joined(separator: "\n") + "\n")
    }

    /// Deletes the project's port chain and the jumps to it (nothing when already gone), and
    /// berth's table when nothing else of berth's is left in it.
    func portsRemoval(_ project: String, in listing: RulesetListing) -> [String] {
        let name = Self.portsChain(project)
        guard listing.chain(.init(table: table.table, name: name)) != nil else { return [] }
        let comment = table.comment(for: "ports:\(project)")
        let others = listing.chains.filter {
            $0.table == table.table && ($0.name.hasPrefix("fwd-") || $0.name.hasPrefix("ports-")) && $0.name != name
        }
        // The last of berth's chains: the table goes with it.
        if others.isEmpty { return ["delete table ip \(table.name)"] }
        var commands = listing.rules.filter { $0.comment == comment && $0.chain.table == table.table }.map {
            "delete rule ip \(table.name) \($0.chain.name) handle \($0.handle)"
        }
        commands.append("flush chain ip \(table.name) \(name)")
        commands.append("delete chain ip \(table.name) \(name)")
        return commands
    }
}
