/// An IPv4 or IPv6 address as bytes, so `::1` and `0:0::1` are equal and subnets can be
/// compared numerically.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }
    public var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    public init?(_ text: String) {
        if text.contains(":") {
            guard let b = IPAddress.parseIPv6(text) else { return nil }
            bytes = b
        } else {
            guard let b = IPAddress.parseIPv4(text) else { return nil }
            bytes = b
        }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }),
                p.count == 1 || p.first != "0", let v = UInt8(p)
            else { return nil }
            out.append(v)
        }
        return out
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        var embedded: [UInt8]?
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        sawGap = halves.count == 2
        func groups(_ s: String, allowV4: Bool) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            let items = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if allowV4, i == items.count - 1, item.contains(".") {
                    guard let v4 = parseIPv4(String(item)) else { return nil }
                    embedded = v4
                    out.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    out.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard !item.isEmpty, item.count <= 4, let v = UInt16(item, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let h = groups(halves[0], allowV4: !sawGap) else { return nil }
        head = h
        if sawGap {
            guard let t = groups(halves[1], allowV4: true) else { return nil }
            tail = t
        }
        _ = embedded
        let total = head.count + tail.count
        if sawGap {
            guard total <= 7 else { return nil }
        } else {
            guard total == 8 else { return nil }
        }
        let all = head + [UInt16](repeating: 0, count: 8 - total) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])) }
        // Longest run of two or more zero groups becomes "::".
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8, groups[j] == 0 { j += 1 }
                if j - i > bestLength, j - i >= 2 {
                    bestStart = i
                    bestLength = j - i
                }
                i = j
            } else {
                i += 1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        if bestStart < 0 { return hex.joined(separator: ":") }
        let left = hex[..<bestStart].joined(separator: ":")
        let right = hex[(bestStart + bestLength)...].joined(separator: ":")
        return left + "::" + right
    }
}

/// A subnet (`172.28.0.0/16`, `fd00::/64`). The address is kept as written so a host
/// address with a prefix is reported rather than silently masked.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var prefixLength: Int

    public init(parsing text: String) throws(ValueError) {
        let hint = "write a subnet as address/prefix, e.g. 172.28.0.0/16 or fd00:1::/64"
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])), let prefix = Int(parts[1]) else {
            throw ValueError("'\(text)' is not a subnet", hint: hint)
        }
        let bits = address.bytes.count * 8
        guard prefix >= 0, prefix <= bits else {
            throw ValueError("prefix length /\(parts[1]) is out of range for \(address.isIPv4 ? "IPv4" : "IPv6")")
        }
        self.address = address
        self.prefixLength = prefix
        guard network == address else {
            throw ValueError(
                "'\(text)' has host bits set", hint: "the subnet's network address is \(network)/\(prefix)")
        }
    }

    /// The first address of the subnet.
    public var network: IPAddress {
        var b = address.bytes
        for i in 0..<b.count {
            let keep = max(0, min(8, prefixLength - i * 8))
            b[i] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return IPAddress(bytes: b)
    }

    /// The last address of the subnet.
    public var last: IPAddress {
        var b = address.bytes
        for i in 0..<b.count {
            let keep = max(0, min(8, prefixLength - i * 8))
            b[i] |= keep == 8 ? 0 : UInt8(truncatingIfNeeded: 0xFF >> keep)
        }
        return IPAddress(bytes: b)
    }

    public func contains(_ ip: IPAddress) -> Bool {
        ip.bytes.count == address.bytes.count && network <= ip && ip <= last
    }

    public func overlaps(_ other: CIDR) -> Bool {
        address.bytes.count == other.address.bytes.count && network <= other.last && other.network <= last
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
