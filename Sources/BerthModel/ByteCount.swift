/// A size in bytes, written as docker does (`512m`, `1gb`, `2k`, `1024`): units are
/// binary (k = 1024) and case-insensitive. Printed as a plain count of bytes, like
/// `docker compose config`.
public struct ByteCount: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var bytes: Int64

    public init(bytes: Int64) { self.bytes = bytes }

    public static func < (lhs: ByteCount, rhs: ByteCount) -> Bool { lhs.bytes < rhs.bytes }

    public init(parsing text: String) throws(ValueError) {
        let hint = "write a number of bytes with an optional unit b, k, m, g, t or p (e.g. '512m', '1gb')"
        let lower = Array(text.lowercased().unicodeScalars)
        var i = 0
        var number = ""
        while i < lower.count, (lower[i].value >= 48 && lower[i].value <= 57) || lower[i] == "." {
            number.unicodeScalars.append(lower[i])
            i += 1
        }
        guard !number.isEmpty, let value = Double(number), value >= 0, number.first != ".", number.last != "."
        else { throw ValueError("'\(text)' is not a size", hint: hint) }
        if i < lower.count, lower[i] == " " { i += 1 }
        var multiplier: Double = 1
        if i < lower.count, let power = "kmgtp".unicodeScalars.firstIndex(of: lower[i]) {
            let exponent = "kmgtp".unicodeScalars.distance(from: "kmgtp".unicodeScalars.startIndex, to: power) + 1
            multiplier = Double(1 << (10 * exponent))
            i += 1
        }
        if i < lower.count, lower[i] == "i" { i += 1 }
        if i < lower.count, lower[i] == "b" { i += 1 }
        guard i == lower.count else { throw ValueError("'\(text)' is not a size", hint: hint) }
        let total = value * multiplier
        guard total < 9.2e18 else { throw ValueError("'\(text)' is too large") }
        self.bytes = Int64(total)
    }

    public var description: String { String(bytes) }

    /// Compose prints sizes as quoted strings of digits.
    var canonical: Value { .string(String(bytes)) }
}
