/// Writes canonical values as block YAML. Hand-written (rather than through Yams) because
/// the output must be byte-for-byte deterministic and quote exactly what would otherwise
/// read back as another type.
enum YAMLEmitter {
    static func document(_ value: Value) -> String {
        var out = ""
        switch value {
        case .map(let m) where !m.isEmpty: writeMap(m, indent: 0, into: &out)
        case .list(let l) where !l.isEmpty: writeList(l, indent: 0, into: &out)
        default: out = scalar(value) + "\n"
        }
        return out
    }

    private static func writeMap(_ map: [String: Value], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
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
        let pad = String(repeating: " ", count: indent)
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

    static func scalar(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let n): return n
        case .string(let s): return quoted(s)
        case .list: return "[]"
        case .map: return "{}"
        }
    }

    /// Plain when YAML would read the text back as the same string, double-quoted otherwise.
    static func quoted(_ s: String) -> String {
        needsQuotes(s) ? doubleQuoted(s) : s
    }

    private static let reservedWords: Set<String> = [
        "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES",
        "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "=", "<<",
    ]

    static func needsQuotes(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return true }
        if reservedWords.contains(s) { return true }
        if first == " " || last == " " { return true }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return true }
        var numberLike = true
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F || u.value == 0x85 || u.value == 0x2028 || u.value == 0x2029
                || u.value == 0xFEFF
            {
                return true
            }
            if !"0123456789_.:+-eExXoObBabcdfABCDF".unicodeScalars.contains(u) { numberLike = false }
        }
        if s.contains(": ") || s.contains(" #") || last == ":" { return true }
        if numberLike, let f = s.unicodeScalars.first, "0123456789+-.".unicodeScalars.contains(f) { return true }
        let lower = s.lowercased()
        if [".inf", "+.inf", "-.inf", ".nan"].contains(lower) { return true }
        return false
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
