import BerthSystem

/// An IPv4 address, parsed once from dotted-quad text and carried as a number so subnet
/// arithmetic and wire encoding never go back through strings.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// Host byte order: 10.0.0.1 is 0x0A00_0001.
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses strict dotted-quad notation (four decimal parts, each 0...255, no leading zeros
    /// that could be read as octal).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let octet = UInt8(part)
            else { return nil }
            result = result << 8 | UInt32(octet)
        }
        value = result
    }

    public static let loopback = IPv4Address(127, 0, 0, 1)
    public static let any = IPv4Address(0)

    /// Network byte order, as netlink attributes and DNS A records carry it.
    public var bytes: [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 4 else { return nil }
        value = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    public func socketAddress(port: UInt16) -> SocketAddressV4 { SocketAddressV4(host: value, port: port) }

    public var description: String { "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)" }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = IPv4Address(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not an IPv4 address")
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
