/// A time span in compose/Go syntax (`1h2m3s4ms5us6ns`, plus `d` and `w` as compose
/// accepts). Printed the way Go's `time.Duration` prints, which is what `docker compose
/// config` shows (`1m30s`, `1h0m0s`, `500ms`).
public struct Duration: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func seconds(_ s: Int64) -> Duration { Duration(nanoseconds: s * 1_000_000_000) }

    public static func < (lhs: Duration, rhs: Duration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    private static let units: [(String, Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("m", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000), ("w", 604_800_000_000_000),
    ]

    public init(parsing text: String) throws(ValueError) {
        let hint = "write a number with a unit, e.g. '30s', '1m30s' or '500ms' (units: ns, us, ms, s, m, h, d, w)"
        var chars = Array(text.unicodeScalars)
        var negative = false
        if let first = chars.first, first == "-" || first == "+" {
            negative = first == "-"
            chars.removeFirst()
        }
        if chars.count == 1, chars[0] == "0" {
            self.nanoseconds = 0
            return
        }
        if chars.isEmpty { throw ValueError("'\(text)' is not a duration", hint: hint) }
        var total: Int64 = 0
        var i = 0
        while i < chars.count {
            var whole: Int64 = 0
            var fraction: [UInt32] = []
            var digits = 0
            while i < chars.count, let d = digit(chars[i]) {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { throw ValueError("'\(text)' is too long a duration") }
                whole = a
                digits += 1
                i += 1
            }
            if i < chars.count, chars[i] == "." {
                i += 1
                while i < chars.count, let d = digit(chars[i]) {
                    if fraction.count < 18 { fraction.append(d) }
                    digits += 1
                    i += 1
                }
            }
            if digits == 0 { throw ValueError("'\(text)' is not a duration", hint: hint) }
            var unitText = ""
            while i < chars.count, digit(chars[i]) == nil, chars[i] != "." {
                unitText.unicodeScalars.append(chars[i])
                i += 1
            }
            if unitText.isEmpty {
                throw ValueError("'\(text)' has no unit", hint: hint)
            }
            guard let unit = Duration.units.first(where: { $0.0 == unitText })?.1 else {
                throw ValueError("'\(text)' has an unknown unit '\(unitText)'", hint: hint)
            }
            let (scaled, o1) = whole.multipliedReportingOverflow(by: unit)
            var fractionValue: Int64 = 0
            var scale: Int64 = 1
            for d in fraction {
                fractionValue = fractionValue * 10 + Int64(d)
                scale *= 10
            }
            let part = fraction.isEmpty ? 0 : Int64((Double(fractionValue) / Double(scale) * Double(unit)).rounded())
            let (sum, o2) = total.addingReportingOverflow(scaled)
            let (sum2, o3) = sum.addingReportingOverflow(part)
            if o1 || o2 || o3 { throw ValueError("'\(text)' is too long a duration") }
            total = sum2
        }
        self.nanoseconds = negative ? -total : total
    }

    public var description: String {
        if nanoseconds == 0 { return "0s" }
        let sign = nanoseconds < 0 ? "-" : ""
        let u = nanoseconds.magnitude
        if u < 1_000_000_000 {
            if u < 1_000 { return sign + "\(u)ns" }
            if u < 1_000_000 { return sign + Duration.decimal(u, 1_000) + "µs" }
            return sign + Duration.decimal(u, 1_000_000) + "ms"
        }
        let seconds = u / 1_000_000_000
        let hours = seconds / 3600, minutes = (seconds / 60) % 60
        var out = sign
        if hours > 0 { out += "\(hours)h" }
        if hours > 0 || minutes > 0 { out += "\(minutes)m" }
        return out + Duration.decimal(u % 60_000_000_000, 1_000_000_000) + "s"
    }

    /// `value / divisor` with the remainder as trimmed decimal digits.
    private static func decimal(_ value: UInt64, _ divisor: UInt64) -> String {
        let whole = value / divisor
        var rest = value % divisor
        if rest == 0 { return String(whole) }
        var digits = ""
        var d = divisor / 10
        while d > 0 {
            digits += String(rest / d)
            rest %= d
            d /= 10
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}

private func digit(_ u: Unicode.Scalar) -> UInt32? {
    u.value >= 48 && u.value <= 57 ? u.value - 48 : nil
}
