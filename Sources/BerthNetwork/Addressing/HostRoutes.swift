extension RouteNetlink {
    /// Subnets already reachable from this namespace: main-table routes other than the
    /// default route, and the prefixes of assigned addresses. A new berth network must not
    /// overlap any of them, or traffic for its containers would go somewhere else.
    public func subnetsInUse() throws -> [IPv4Subnet] {
        var subnets = Set<IPv4Subnet>()
        for info in try routes() where info.isMainTable {
            if let destination = info.route.destination, destination.prefixLength > 0 { subnets.insert(destination) }
        }
        for info in try addresses() where info.address.prefixLength > 0 && info.address.address.value >> 24 != 127 {
            subnets.insert(IPv4Subnet(masking: info.address.address, prefixLength: info.address.prefixLength))
        }
        return subnets.sorted { ($0.network, $0.prefixLength) < ($1.network, $1.prefixLength) }
    }
}
