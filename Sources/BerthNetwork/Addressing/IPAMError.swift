/// Why an address or subnet could not be handed out, phrased for the person editing the
/// stack file.
public enum IPAMError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidPool(String)
    case poolExhausted(AddressPool)
    case subnetOverlaps(IPv4Subnet, inUse: IPv4Subnet)
    case subnetTooSmall(IPv4Subnet)
    case gatewayOutsideSubnet(IPv4Address, IPv4Subnet)
    case gatewayNotAHost(IPv4Address, IPv4Subnet)
    case addressOutsideSubnet(IPv4Address, IPv4Subnet)
    case addressReserved(IPv4Address, IPv4Subnet)
    case addressTaken(IPv4Address, owner: String)
    case subnetFull(IPv4Subnet)

    public var description: String {
        switch self {
        case .invalidPool(let reason): "invalid address pool: \(reason)"
        case .poolExhausted(let pool):
            "no free /\(pool.subnetPrefixLength) subnet left in \(pool.base); remove unused networks or set ipam.config.subnet"
        case .subnetOverlaps(let subnet, let other):
            "subnet \(subnet) overlaps \(other), which is already routed on this host; choose a subnet that does not overlap it"
        case .subnetTooSmall(let subnet):
            "subnet \(subnet) is too small for a gateway and containers; use /30 or larger (a smaller prefix length)"
        case .gatewayOutsideSubnet(let gateway, let subnet): "gateway \(gateway) is not inside subnet \(subnet)"
        case .gatewayNotAHost(let gateway, let subnet):
            "gateway \(gateway) is the network or broadcast address of \(subnet); use a host address such as \(subnet.firstHost)"
        case .addressOutsideSubnet(let address, let subnet):
            "address \(address) is not inside the network's subnet \(subnet)"
        case .addressReserved(let address, let subnet):
            "address \(address) is reserved in \(subnet) (network, broadcast or gateway); pick another"
        case .addressTaken(let address, let owner): "address \(address) is already assigned to \(owner)"
        case .subnetFull(let subnet): "no free address left in \(subnet)"
        }
    }
}
