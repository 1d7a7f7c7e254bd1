import BerthEncoding

/// Writes canonical values as indented JSON with sorted keys, for `--format json`.
enum JSONEmitter {
    static func document(_ value: Value) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        return out + "\n"
    }

    private static func write(_ value: Value, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent + 2)
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let n): out += n
        case .string(let s): out += string(YAMLEmitter.interpolationEscaped(s))
        case .list(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 2, into: &out)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .map(let m):
            if m.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            let keys = m.keys.sorted()
            for (i, key) in keys.enumerated() {
                guard let item = m[key] else { continue }
                out += pad + string(key) + ": "
                write(item, indent: indent + 2, into: &out)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }

    static func string(_ s: String) -> String { JSONValue.quoted(s) }
}
