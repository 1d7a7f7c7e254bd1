/// A content address `sha256:<64 hex>`. Only sha256 is accepted: it is what every registry
/// and archive berth reads uses, and a digest berth cannot verify is no digest at all.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// 64 lowercase hex characters.
    public let hex: String

    public init(hex: String) throws(ImageError) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ Digest.isLowerHex($0) }) else {
            throw ImageError.invalidDigest("sha256:\(hex)")
        }
        self.hex = hex
    }

    /// Parses `sha256:<hex>`.
    public init(parsing text: String) throws(ImageError) {
        guard text.hasPrefix("sha256:") else {
            if let colon = text.firstIndex(of: ":") {
                throw ImageError.unsupportedDigestAlgorithm(String(text[..<colon]), digest: text)
            }
            throw ImageError.invalidDigest(text)
        }
        do {
            try self.init(hex: String(text.dropFirst("sha256:".count)))
        } catch {
            throw ImageError.invalidDigest(text)
        }
    }

    init(bytes: [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        hex = String(decoding: out, as: UTF8.self)
    }

    public static func of(_ bytes: [UInt8]) -> Digest { bytes.withUnsafeBytes { StreamHasher.digest(of: $0) } }

    public var description: String { "sha256:\(hex)" }

    /// The 12-character prefix docker shows as an image ID.
    public var shortID: String { String(hex.prefix(12)) }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.hex < rhs.hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try Digest(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102)
    }
}
