import BerthStackFile

/// The canonical, schema-free form of any part of a topology. YAML and JSON output, hashes
/// and field-by-field diffs are all derived from it, so they can never disagree.
public indirect enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    /// A decimal number, kept as its canonical text so output is exact.
    case number(String)
    case string(String)
    case list([Value])
    /// Keys are emitted sorted, which is what makes the output stable.
    case map([String: Value])

    /// Reads an untyped node (extension fields), keeping YAML's scalar types.
    static func from(_ node: Node) -> Value {
        switch node.kind {
        case .scalar(let s):
            if s.isNull { return .null }
            if let b = s.bool { return .bool(b) }
            if let i = s.int { return .int(i) }
            if s.style == .plain, let d = Double(s.text), d.isFinite, s.text.first?.isLetter == false {
                return .number(String(d))
            }
            return .string(s.text)
        case .sequence(let items): return .list(items.map(from))
        case .mapping(let m):
            var out: [String: Value] = [:]
            for e in m.entries { out[e.key] = from(e.value) }
            return .map(out)
        }
    }

    /// Leaf text of a scalar, as it appears in diffs.
    var scalarText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let n): return n
        case .string(let s): return s
        case .list(let l): return l.isEmpty ? "[]" : "[…]"
        case .map(let m): return m.isEmpty ? "{}" : "{…}"
        }
    }

    /// `environment.LOG_LEVEL`, `ports[0].target`: one entry per leaf, in canonical order.
    func flattened(prefix: String = "") -> [(path: String, value: String)] {
        var out: [(path: String, value: String)] = []
        flatten(prefix, into: &out)
        return out
    }

    private func flatten(_ prefix: String, into out: inout [(path: String, value: String)]) {
        switch self {
        case .list(let items) where !items.isEmpty:
            for (i, item) in items.enumerated() { item.flatten("\(prefix)[\(i)]", into: &out) }
        case .map(let m) where !m.isEmpty:
            for key in m.keys.sorted() {
                guard let v = m[key] else { continue }
                v.flatten(prefix.isEmpty ? key : "\(prefix).\(key)", into: &out)
            }
        default:
            out.append((prefix, scalarText))
        }
    }
}

/// Builds canonical maps field by field, leaving out what is unset.
struct ValueMap {
    var entries: [String: Value] = [:]

    mutating func set(_ key: String, _ value: Value?) {
        if let value { entries[key] = value }
    }

    mutating func set(_ key: String, _ text: String?) {
        if let text { entries[key] = .string(text) }
    }

    mutating func set(_ key: String, _ int: Int?) {
        if let int { entries[key] = .int(int) }
    }

    mutating func set(_ key: String, _ bool: Bool?) {
        if let bool { entries[key] = .bool(bool) }
    }

    /// Writes a flag only when it is on, as compose omits false defaults.
    mutating func flag(_ key: String, _ bool: Bool) {
        if bool { entries[key] = .bool(true) }
    }

    mutating func set(_ key: String, strings: [String]?) {
        if let strings { entries[key] = .list(strings.map(Value.string)) }
    }

    mutating func set(_ key: String, stringMap: [String: String]?) {
        if let stringMap { entries[key] = .map(stringMap.mapValues(Value.string)) }
    }

    var value: Value { .map(entries) }
}
