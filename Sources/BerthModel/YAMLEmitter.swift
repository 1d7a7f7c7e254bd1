/// Writes canonical values as block YAML. Hand-written because
/// the output must be byte-for-byte deterministic and quote exactly what would otherwise
/// read back as another type.
enum YAMLEmitter {
    /// Top-level sections in the order `docker compose config` prints them; the rest sorted.
    static let topLevelOrder = ["name", "services", "networks", "volumes", "configs", "secrets"]

    static func document(_ value: Value) -> String {
        var out = ""
        out.reserveCapacity(1 << 16)
        switch value {
        case .map(let m) where !m.isEmpty:
            let first = topLevelOrder.filter { m[$0] != nil }
            for key in first + m.keys.filter({ !topLevelOrder.contains($0) }).sorted() {
                guard let item = m[key] else { continue }
                out += quoted(key) + ":"
                writeNested(item, indent: 0, into: &out)
            }
        case .list(let l) where !l.isEmpty: writeList(l, indent: 0, into: &out)
        default: out = scalar(value) + "\n"
        }
        return out
    }

    private static func writeMap(_ map: [String: Value], indent: Int, into out: inout String) {
        let pad = padding(indent)
        for key in map.keys.sorted() {
            guard let value = map[key] else { continue }
            out += pad + quoted(key) + ":"
            writeNested(value, indent: indent, into: &out)
        }
    }

    private static func writeNested(_ value: Value, indent: Int, into out: inout String) {
        switch value {
        case .map(let m) where !m.isEmpty:
            out += "\n"
            writeMap(m, indent: indent + 2, into: &out)
        case .list(let l) where !l.isEmpty:
            out += "\n"
            writeList(l, indent: indent + 2, into: &out)
        default:
            out += " " + scalar(value) + "\n"
        }
    }

    private static func writeList(_ list: [Value], indent: Int, into out: inout String) {
        let pad = padding(indent)
        for item in list {
            switch item {
            case .map(let m) where !m.isEmpty:
                // First key on the dash line, the rest aligned under it.
                var first = true
                for key in m.keys.sorted() {
                    guard let value = m[key] else { continue }
                    out += (first ? pad + "- " : pad + "  ") + quoted(key) + ":"
                    writeNested(value, indent: indent + 2, into: &out)
                    first = false
                }
            case .list(let l) where !l.isEmpty:
                out += pad + "-\n"
                writeList(l, indent: indent + 2, into: &out)
            default:
                out += pad + "- " + scalar(item) + "\n"
            }
        }
    }

    private static let pads: [String] = (0..<16).map { String(repeating: " ", count: $0 * 2) }

    private static func padding(_ indent: Int) -> String {
        indent / 2 < pads.count && indent % 2 == 0 ? pads[indent / 2] : String(repeating: " ", count: indent)
    }

    static func scalar(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let n): return n
        case .string(let s): return quoted(interpolationEscaped(s))
        case .list: return "[]"
        case .map: return "{}"
        }
    }

    /// Values are printed as a compose file would write them, so `$` becomes `$$`: reading the
    /// output back must not interpolate what was already interpolated (keys are never
    /// interpolated and stay as they are).
    static func interpolationEscaped(_ s: String) -> String {
        s.contains("$") ? s.replacingOccurrences(of: "$", with: "$$") : s
    }

    /// Plain when YAML would read the text back as the same string, double-quoted otherwise.
    static func quoted(_ s: String) -> String {
        needsQuotes(s) ? doubleQuoted(s) : s
    }

    private static let reservedWords: Set<String> = [
        "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES",
        "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "=", "<<",
    ]

    /// Byte classes for the scan below: 1 = may appear in a YAML number or date/time.
    private static let numberBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 128)
        for b in "0123456789_.:+-eExXoObBabcdfABCDF".utf8 { table[Int(b)] = true }
        return table
    }()

    static func needsQuotes(_ s: String) -> Bool {
        let bytes = s.utf8
        guard let first = bytes.first, let last = bytes.last else { return true }
        if first == UInt8(ascii: " ") || last == UInt8(ascii: " ") || last == UInt8(ascii: ":") { return true }
        switch first {
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
            UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
            UInt8(ascii: "`"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            // These start a plain scalar unless a space or the end follows.
            let second = bytes.dropFirst().first
            if second == nil || second == UInt8(ascii: " ") { return true }
        default: break
        }
        var numberLike = true
        var previous: UInt8 = 0
        for b in bytes {
            if b < 0x20 || b == 0x7F { return true }
            if b >= 0x80 {
                numberLike = false
            } else if !numberBytes[Int(b)] {
                numberLike = false
            }
            // ": " starts a mapping value, " #" a comment.
            if (previous == UInt8(ascii: ":") && b == UInt8(ascii: " "))
                || (previous == UInt8(ascii: " ") && b == UInt8(ascii: "#"))
            {
                return true
            }
            previous = b
        }
        if numberLike,
            first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
            readsAsNumberOrDate(s)
        {
            return true
        }
        if s.utf8.count <= 5, reservedWords.contains(s) || [".inf", "+.inf", "-.inf", ".nan"].contains(s.lowercased()) {
            return true
        }
        if s.utf8.contains(where: { $0 >= 0x80 }) {
            // Non-ASCII line and byte-order separators YAML treats specially.
            for u in s.unicodeScalars
            where u.value == 0x85 || u.value == 0x2028 || u.value == 0x2029 || u.value == 0xFEFF {
                return true
            }
        }
        return false
    }

    /// Numbers in YAML 1.1 or 1.2 (with `_`, `0x`, `0o`, `0b`, exponents, base 60) and
    /// anything date-like; an address such as `127.0.0.1` is neither and stays plain.
    private static func readsAsNumberOrDate(_ s: String) -> Bool {
        if s.utf8.contains(UInt8(ascii: ":")) { return true }
        if s.utf8.dropFirst().contains(UInt8(ascii: "-")) { return true }
        var digits = s.filter { $0 != "_" }
        if digits.hasPrefix("+") || digits.hasPrefix("-") { digits.removeFirst() }
        for prefix in ["0x", "0X", "0o", "0O", "0b", "0B"] where digits.hasPrefix(prefix) { return true }
        return Int(digits) != nil || Double(digits) != nil || digits == "." || digits.isEmpty
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F || u.value == 0x85 || u.value == 0xFEFF
                    || u.value == 0x2028 || u.value == 0x2029
                {
                    out += "\\u" + hex(u.value, width: 4)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
