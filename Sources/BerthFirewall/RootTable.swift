import BerthEncoding

/// Names of berth's nf_tables objects for one berth root. Each root has its own table,
/// `berth-<8 hex of SHA-256 of the root path>`, so two roots on one host never touch each
/// other's chains, and every rule berth adds to another table carries a comment naming that
/// table, so berth finds exactly its own rules again.
public struct RootTable: Hashable, Sendable {
    /// `berth-` and eight hex digits.
    public let name: String

    public init(root: String) {
        name = "berth-" + String(SHA256.hex(root).prefix(8))
    }

    var table: RulesetListing.Table { .init(family: "ip", name: name) }

    /// The regular chain holding one network's forwarding rules.
    static func forwardChain(_ network: String) -> String { "fwd-\(network)" }

    /// The comment on every rule berth adds for `network` (in its own table or the host's).
    func comment(for network: String) -> String { "\(name) \(network)" }

    /// Base chains of berth's table: the forward filter (jumps to each network's chain), the
    /// source NAT for egress, and the destination NAT for published ports.
    static let forward = "forward"
    static let postrouting = "postrouting"
}
