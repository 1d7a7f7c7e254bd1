#if canImport(Glibc)
    import Glibc
#endif

/// The host's own firewall on the IPv4 forward path, as far as it concerns berth's bridges.
/// Every base chain on the forward hook sees each forwarded packet and a drop in any of them
/// is final, so an accept in berth's table cannot override the host's `FORWARD DROP`
/// (Docker, podman, ufw): berth has to add its accepts to the host's chain itself.
public enum HostForwardPath: Equatable, Sendable {
    /// No `ip filter FORWARD` chain and no legacy filter table: nothing to coexist with.
    case open
    /// iptables-nft's (or a hand-written) `ip filter` table with a `FORWARD` base chain:
    /// berth inserts `iifname/oifname <bridge> accept` rules at its top.
    case iptablesNft(policy: String)
    /// iptables-legacy (x_tables) has a filter table: berth cannot change it (no nf_tables
    /// objects to edit, and its blob interface replaces the whole table at once).
    case iptablesLegacy

    static let filter = RulesetListing.Table(family: "ip", name: "filter")
    static let forwardChain = RulesetListing.Chain.ID(table: filter, name: "FORWARD")

    static func detect(_ listing: RulesetListing, legacyTables: String? = Self.legacyTableNames()) -> HostForwardPath {
        if let chain = listing.chain(forwardChain), chain.hook == "forward" {
            return .iptablesNft(policy: chain.policy ?? "accept")
        }
        let legacy = (legacyTables ?? "").split(whereSeparator: \.isNewline).contains { $0 == "filter" }
        return legacy ? .iptablesLegacy : .open
    }

    /// `/proc/thread-self/net/ip_tables_names` (this thread's namespace): the x_tables (legacy) IPv4 tables loaded in this network
    /// namespace; absent when the ip_tables module is not loaded.
    static func legacyTableNames() -> String? {
        let fd = Glibc.open("/proc/thread-self/net/ip_tables_names", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        return count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : ""
    }

    /// Base chains of other tables on the forward hook that drop by policy, which berth
    /// neither owns nor edits (e.g. an `inet filter` from nftables.conf with `policy drop`).
    static func foreignDroppingChains(_ listing: RulesetListing, own: RulesetListing.Table) -> [RulesetListing.Chain] {
        listing.chains.filter { chain in
            chain.hook == "forward" && chain.policy == "drop" && chain.table != own && chain.id != forwardChain
                && ["ip", "inet"].contains(chain.table.family)
        }
    }
}
