/// Where berth carves network subnets from when a stack does not set `ipam.config.subnet`.
/// The default, 10.213.0.0/16 in /24s, is an arbitrary private range chosen to be unlikely
/// on home and office networks; subnets already routed on the host are skipped.
public struct AddressPool: Hashable, Sendable, Codable {
    public let base: IPv4Subnet
    public let subnetPrefixLength: Int

    public static let standard = AddressPool(
        checkedBase: IPv4Subnet(masking: IPv4Address(10, 213, 0, 0), prefixLength: 16), subnetPrefixLength: 24)

    private init(checkedBase: IPv4Subnet, subnetPrefixLength: Int) {
        base = checkedBase
        self.subnetPrefixLength = subnetPrefixLength
    }

    public init(base: IPv4Subnet, subnetPrefixLength: Int) throws(IPAMError) {
        guard subnetPrefixLength >= base.prefixLength, subnetPrefixLength <= 30 else {
            throw .invalidPool(
                "subnets of /\(subnetPrefixLength) cannot be carved from \(base); use a length between /\(base.prefixLength) and /30"
            )
        }
        self.base = base
        self.subnetPrefixLength = subnetPrefixLength
    }

    /// The first subnet of the pool, in address order, that overlaps none of `inUse`
    /// (host routes and other berth networks). Deterministic: same inputs, same answer.
    public func firstFree(avoiding inUse: [IPv4Subnet]) throws(IPAMError) -> IPv4Subnet {
        let step = UInt64(1) << UInt64(32 - subnetPrefixLength)
        let count = base.size / step
        for index in 0..<count {
            let network = IPv4Address(UInt32(UInt64(base.network.value) + index * step))
            guard let candidate = IPv4Subnet(network: network, prefixLength: subnetPrefixLength) else { continue }
            if !inUse.contains(where: { $0.overlaps(candidate) }) { return candidate }
        }
        throw .poolExhausted(self)
    }
}
