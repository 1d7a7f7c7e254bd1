/// Kernel interface names for berth's bridges and veths. Names are derived from a stable
/// hash of what they belong to (a network id, a container+network pair), so they are
/// predictable across runs, always start with `bt` (berth's marker on the host), and fit
/// IFNAMSIZ. A hash can collide: callers record the name they used rather than recompute it,
/// and pass a higher `attempt` when a name is taken.
public enum InterfaceNames {
    /// IFNAMSIZ is 16 including the terminating NUL.
    public static let maximumLength = 15

    public struct InvalidName: Error, CustomStringConvertible {
        public var name: String
        public var reason: String
        public var description: String { "invalid interface name \"\(name)\": \(reason)" }
    }

    /// "btbr-" + 10 hex digits: the bridge for a network.
    public static func bridge(for networkID: String, attempt: Int = 0) -> String {
        "btbr-" + hex(hash(networkID, attempt), digits: 10)
    }

    /// "btv" + 12 hex digits: the host end of a container's veth on one network.
    public static func hostVeth(for endpointID: String, attempt: Int = 0) -> String {
        "btv" + hex(hash(endpointID, attempt), digits: 12)
    }

    /// Rejects names the kernel would refuse (dev_valid_name), before asking it.
    public static func validate(_ name: String) throws(InvalidName) {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { throw InvalidName(name: name, reason: "it is empty") }
        if bytes.count > maximumLength {
            throw InvalidName(
                name: name, reason: "it has \(bytes.count) bytes; the kernel allows at most \(maximumLength)")
        }
        if name == "." || name == ".." { throw InvalidName(name: name, reason: "\".\" and \"..\" are reserved") }
        if bytes.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") || $0 <= 0x20 || $0 == 0x7F }) {
            throw InvalidName(name: name, reason: "it contains '/', ':', whitespace or a control character")
        }
    }

    /// FNV-1a, 64-bit: stable across processes, unlike Swift's seeded `Hasher`.
    static func hash(_ text: String, _ attempt: Int) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 + (attempt == 0 ? [] : Array("#\(attempt)".utf8)) {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
        return value
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - text.count)) + text
        return String(padded.suffix(digits))
    }
}
