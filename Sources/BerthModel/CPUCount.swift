/// A number of CPUs (`0.5`, `"1.5"`), kept in nano-CPUs as docker does so equality and
/// output are exact.
public struct CPUCount: Hashable, Sendable, CustomStringConvertible {
    public var nanoCPUs: Int64

    public init(nanoCPUs: Int64) { self.nanoCPUs = nanoCPUs }

    public init(parsing text: String) throws(ValueError) {
        guard let value = Double(text), value.isFinite else {
            throw ValueError("'\(text)' is not a number of CPUs", hint: "write a decimal number such as 0.5 or 2")
        }
        guard value >= 0 else { throw ValueError("the number of CPUs cannot be negative") }
        guard value <= 4096 else { throw ValueError("\(text) CPUs is more than any machine has") }
        self.nanoCPUs = Int64((value * 1e9).rounded())
    }

    public var description: String {
        let whole = nanoCPUs / 1_000_000_000
        var rest = nanoCPUs % 1_000_000_000
        if rest == 0 { return String(whole) }
        var digits = ""
        var d: Int64 = 100_000_000
        while d > 0 {
            digits += String(rest / d)
            rest %= d
            d /= 10
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    var canonical: Value { nanoCPUs % 1_000_000_000 == 0 ? .int(Int(nanoCPUs / 1_000_000_000)) : .number(description) }
}
