/// A berth network as the firewall sees it: the bridge its containers hang off, their subnet,
/// and whether they may leave the host (`internal: true` networks may not).
public struct FirewallNetwork: Hashable, Sendable {
    public var name: String
    public var bridge: String
    /// CIDR, e.g. `10.213.0.0/24`.
    public var subnet: String
    public var isInternal: Bool

    public init(name: String, bridge: String, subnet: String, isInternal: Bool) {
        self.name = name
        self.bridge = bridge
        self.subnet = subnet
        self.isInternal = isInternal
    }

    /// Names go into nft commands inside double quotes; anything that could end the quote or
    /// start another command is refused (berth's own names never contain it).
    func validated() throws(FirewallError) -> FirewallNetwork {
        for (what, value) in [("network name", name), ("bridge name", bridge)] where !Self.isIdentifier(value) {
            throw FirewallError(
                "\(what) \"\(value)\" cannot name a firewall chain",
                hint: "use letters, digits, '_', '.' and '-' only, starting with a letter or digit")
        }
        let parts = subnet.split(separator: "/")
        guard parts.count == 2, let length = Int(parts[1]), (0...32).contains(length),
            parts[0].split(separator: ".", omittingEmptySubsequences: false).count == 4,
            parts[0].split(separator: ".").allSatisfy({ UInt8($0) != nil })
        else {
            throw FirewallError("subnet \"\(subnet)\" of network \(name) is not an IPv4 CIDR")
        }
        return self
    }

    static func isIdentifier(_ value: String) -> Bool {
        func alphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
        }
        guard let first = value.unicodeScalars.first, alphanumeric(first), value.utf8.count <= 200 else { return false }
        return value.unicodeScalars.allSatisfy { alphanumeric($0) || "_.-".unicodeScalars.contains($0) }
    }
}
