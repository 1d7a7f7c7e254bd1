/// An IPv4 network in CIDR form. Construction normalises nothing silently: a subnet written
/// with host bits set (`10.1.2.3/24`) is rejected, because it usually hides a typo.
public struct IPv4Subnet: Hashable, Sendable, CustomStringConvertible, Codable {
    public let network: IPv4Address
    public let prefixLength: Int

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notCIDR(String)
        case hostBitsSet(String, network: String)

        public var description: String {
            switch self {
            case .notCIDR(let text):
                "\"\(text)\" is not an IPv4 subnet in CIDR form; write it like 10.213.5.0/24"
            case .hostBitsSet(let text, let network):
                "subnet \"\(text)\" has host bits set; did you mean \(network)?"
            }
        }
    }

    /// Builds a subnet; `nil` when the prefix is out of range or host bits are set.
    public init?(network: IPv4Address, prefixLength: Int) {
        guard (0...32).contains(prefixLength), network.value & ~IPv4Subnet.mask(prefixLength) == 0 else { return nil }
        self.network = network
        self.prefixLength = prefixLength
    }

    /// The subnet of `address` with host bits cleared; the prefix is clamped to 0...32.
    public init(masking address: IPv4Address, prefixLength: Int) {
        let length = min(max(prefixLength, 0), 32)
        network = IPv4Address(address.value & IPv4Subnet.mask(length))
        self.prefixLength = length
    }

    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]), let length = Int(parts[1]),
            (0...32).contains(length)
        else { throw .notCIDR(text) }
        guard let subnet = IPv4Subnet(network: address, prefixLength: length) else {
            let masked = IPv4Address(address.value & IPv4Subnet.mask(length))
            throw .hostBitsSet(text, network: "\(masked)/\(length)")
        }
        self = subnet
    }

    static func mask(_ prefixLength: Int) -> UInt32 {
        prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength)
    }

    public var mask: UInt32 { IPv4Subnet.mask(prefixLength) }

    /// The number of addresses including network and broadcast.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    public var broadcast: IPv4Address { IPv4Address(network.value | ~mask) }

    public func contains(_ address: IPv4Address) -> Bool { address.value & mask == network.value }

    public func overlaps(_ other: IPv4Subnet) -> Bool {
        let shorter = min(prefixLength, other.prefixLength)
        let commonMask = IPv4Subnet.mask(shorter)
        return network.value & commonMask == other.network.value & commonMask
    }

    /// The first usable host address, the conventional gateway.
    public var firstHost: IPv4Address { IPv4Address(network.value + 1) }

    public var description: String { "\(network)/\(prefixLength)" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IPv4Subnet(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
