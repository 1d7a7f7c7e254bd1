/// The DNS names a container answers to on a network, compose-style: its service name, the
/// service qualified by the project (`web.shop`), its container name, and the aliases the
/// stack gives it on that network. Several replicas of a service share the service names, so
/// those resolve to every healthy replica.
public enum ServiceNames {
    public static func names(service: String, project: String, containerName: String, aliases: [String] = [])
        -> [String]
    {
        var seen = Set<String>()
        return ([service, "\(service).\(project)", containerName] + aliases).filter { name in
            !name.isEmpty && seen.insert(DNSRecordTable.normalize(name)).inserted
        }
    }

    /// Builds the table contents from (names, address) pairs of the running, healthy containers.
    public static func table(_ entries: [(names: [String], address: IPv4Address)]) -> [String: [IPv4Address]] {
        var table: [String: [IPv4Address]] = [:]
        for entry in entries {
            for name in entry.names {
                let key = DNSRecordTable.normalize(name)
                if !(table[key] ?? []).contains(entry.address) { table[key, default: []].append(entry.address) }
            }
        }
        return table
    }
}
