import Synchronization

/// Names with the network each address is on, and the networks of every known asker, so a
/// server answers a container only with addresses on networks that container is attached to.
/// Without it a name on a network the asker is not on would still resolve (to an address it
/// cannot reach), leaking the other network's topology. One scope is shared by all of a
/// daemon's servers: a container asks one server but may be on several networks.
public final class DNSScope: Sendable {
    /// One container address on one network and the names it answers to there.
    public struct Record: Sendable, Equatable {
        public var names: [String]
        public var address: IPv4Address
        public var network: String

        public init(names: [String], address: IPv4Address, network: String) {
            self.names = names
            self.address = address
            self.network = network
        }
    }

    struct Entry: Sendable {
        var address: IPv4Address
        var network: String
    }

    struct Snapshot: Sendable {
        var byName: [String: [Entry]] = [:]
        var networksOf: [IPv4Address: Set<String>] = [:]
    }

    private let snapshot = Mutex(Snapshot())

    public init() {}

    /// Swaps in a whole new view at once. `members` maps each container address (on any of
    /// its networks) to every network that container is attached to, resolvable or not.
    public func replaceAll(records: [Record], members: [IPv4Address: Set<String>]) {
        var next = Snapshot()
        next.networksOf = members
        for record in records {
            for name in Set(record.names.map(DNSRecordTable.normalize)) where !name.isEmpty {
                next.byName[name, default: []].append(Entry(address: record.address, network: record.network))
            }
        }
        snapshot.withLock { $0 = next }
    }

    /// Whether `name` belongs to any container on any network: such a name is never relayed
    /// upstream, even when the asker may not see it (that would leak it to the outside).
    public func knows(_ name: String) -> Bool {
        let key = DNSRecordTable.normalize(name)
        return snapshot.withLock { $0.byName[key] != nil }
    }

    /// The addresses `name` has for a query from `asker` that arrived on `network`: those on
    /// the arrival network if any, else those on the asker's other networks. An asker berth
    /// does not know (the host, say) sees the arrival network only. Nil means NXDOMAIN.
    public func addresses(for name: String, asker: IPv4Address?, network: String) -> [IPv4Address]? {
        let key = DNSRecordTable.normalize(name)
        return snapshot.withLock { view -> [IPv4Address]? in
            guard let candidates = view.byName[key] else { return nil }
            let visible = asker.flatMap { view.networksOf[$0] } ?? [network]
            let local = visible.contains(network) ? candidates.filter { $0.network == network } : []
            let chosen = local.isEmpty ? candidates.filter { visible.contains($0.network) } : local
            var seen = Set<IPv4Address>()
            let addresses = chosen.map(\.address).filter { seen.insert($0).inserted }
            return addresses.isEmpty ? nil : addresses
        }
    }
}
