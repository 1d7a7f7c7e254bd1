/// The addressing state of one network: its subnet, gateway, and which endpoint holds which
/// address. A small Codable value so the runtime can persist it with the rest of a stack's
/// state and hand out the same addresses after a restart.
public struct NetworkAddressing: Hashable, Sendable, Codable {
    public let subnet: IPv4Subnet
    public let gateway: IPv4Address
    /// Endpoint (e.g. "web-1") → address.
    public private(set) var assignments: [String: IPv4Address]

    /// Picks the network's subnet and gateway: the configured ones (`ipam.config`) when given,
    /// checked against `inUse`, otherwise the first free subnet of `pool` with its first host
    /// as gateway.
    public init(
        subnet configuredSubnet: IPv4Subnet? = nil, gateway configuredGateway: IPv4Address? = nil,
        pool: AddressPool = .standard,
        inUse: [IPv4Subnet]
    ) throws(IPAMError) {
        let subnet: IPv4Subnet
        if let configuredSubnet {
            if let clash = inUse.first(where: { $0.overlaps(configuredSubnet) }) {
                throw .subnetOverlaps(configuredSubnet, inUse: clash)
            }
            subnet = configuredSubnet
        } else {
            subnet = try pool.firstFree(avoiding: inUse)
        }
        guard subnet.prefixLength <= 30 else { throw .subnetTooSmall(subnet) }
        let gateway = configuredGateway ?? subnet.firstHost
        guard subnet.contains(gateway) else { throw .gatewayOutsideSubnet(gateway, subnet) }
        guard gateway != subnet.network, gateway != subnet.broadcast else { throw .gatewayNotAHost(gateway, subnet) }
        self.subnet = subnet
        self.gateway = gateway
        assignments = [:]
    }

    /// Gives `owner` an address: the one it already has, the `requested` one (a service's
    /// `ipv4_address`), or the lowest free host address. Deterministic for a given history.
    public mutating func allocate(for owner: String, requested: IPv4Address? = nil) throws(IPAMError) -> IPv4Address {
        if let current = assignments[owner], requested == nil || requested == current { return current }
        if let requested {
            guard subnet.contains(requested) else { throw .addressOutsideSubnet(requested, subnet) }
            guard !isReserved(requested) else { throw .addressReserved(requested, subnet) }
            if let holder = assignments.first(where: { $0.value == requested && $0.key != owner }) {
                throw .addressTaken(requested, owner: holder.key)
            }
            assignments[owner] = requested
            return requested
        }
        let taken = Set(assignments.values)
        var candidate = subnet.network.value &+ 1
        while candidate < subnet.broadcast.value {
            let address = IPv4Address(candidate)
            if !isReserved(address) && !taken.contains(address) {
                assignments[owner] = address
                return address
            }
            candidate += 1
        }
        throw .subnetFull(subnet)
    }

    /// Frees `owner`'s address for reuse; releasing an unknown owner is a no-op.
    public mutating func release(_ owner: String) {
        assignments[owner] = nil
    }

    private func isReserved(_ address: IPv4Address) -> Bool {
        address == subnet.network || address == subnet.broadcast || address == gateway
    }
}
