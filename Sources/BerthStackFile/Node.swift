import BerthDiagnostics

/// A YAML value with the position it came from. Every later stage reads stack files only
/// through this tree, so every diagnostic can point at `file:line:column`.
public struct Node: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case scalar(Scalar)
        case sequence([Node])
        case mapping(Mapping)
    }

    /// The compose-spec's merge tags: `!reset` removes an inherited value, `!override`
    /// replaces it instead of merging.
    public enum MergeTag: String, Hashable, Sendable {
        case reset = "!reset"
        case override = "!override"
    }

    public var kind: Kind
    public var location: SourceLocation
    public var mergeTag: MergeTag?

    public init(_ kind: Kind, at location: SourceLocation, mergeTag: MergeTag? = nil) {
        self.kind = kind
        self.location = location
        self.mergeTag = mergeTag
    }

    public static func scalar(_ text: String, style: Scalar.Style = .plain, at location: SourceLocation) -> Node {
        Node(.scalar(Scalar(text, style: style)), at: location)
    }

    public static func sequence(_ items: [Node], at location: SourceLocation) -> Node {
        Node(.sequence(items), at: location)
    }

    public static func mapping(_ entries: [Mapping.Entry], at location: SourceLocation) -> Node {
        Node(.mapping(Mapping(entries)), at: location)
    }

    public var scalar: Scalar? {
        if case .scalar(let s) = kind { return s }
        return nil
    }

    public var sequence: [Node]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    public var mapping: Mapping? {
        if case .mapping(let m) = kind { return m }
        return nil
    }

    /// The text of a scalar that is not null.
    public var string: String? {
        guard let s = scalar, !s.isNull else { return nil }
        return s.text
    }

    public var isNull: Bool { scalar?.isNull ?? false }

    /// What users call this kind of value in error messages.
    public var kindName: String {
        switch kind {
        case .scalar(let s): return s.isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    public subscript(key: String) -> Node? {
        mapping?[key]
    }
}

/// A YAML scalar keeps its text and how it was written: `"8080"` (quoted) and `8080`
/// (plain) differ for type checks, and only plain `null`/`~`/empty is null.
public struct Scalar: Hashable, Sendable {
    public enum Style: Hashable, Sendable {
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
        case folded
    }

    public var text: String
    public var style: Style

    public init(_ text: String, style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public var isQuoted: Bool { style != .plain }

    public var isNull: Bool {
        style == .plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }

    /// YAML 1.2 core booleans, as compose-go reads them; `yes`/`no` stay strings.
    public var bool: Bool? {
        guard style == .plain else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    public var int: Int? {
        guard style == .plain else { return nil }
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        return Int(text)
    }

    public var double: Double? {
        guard style == .plain else { return nil }
        return Double(text)
    }
}

/// An ordered mapping with string keys. Order is kept for faithful output; lookup is by key.
public struct Mapping: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: Node

        public init(key: String, keyLocation: SourceLocation, value: Node) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public private(set) var entries: [Entry]
    /// Key to position, kept only above `linearLimit` entries: most compose mappings hold a
    /// handful of keys, where a scan is as fast as hashing and saves a dictionary per mapping.
    private var index: [String: Int]
    static let linearLimit = 8

    public init(_ entries: [Entry] = []) {
        self.entries = []
        self.index = [:]
        for entry in entries { self[entry.key, at: entry.keyLocation] = entry.value }
    }

    /// For the YAML reader, which has already refused duplicate keys: no lookup per key.
    /// `index` must be complete when there are more than `linearLimit` entries, else empty.
    init(uniqueEntries entries: [Entry], index: [String: Int]) {
        self.entries = entries
        self.index = index
    }

    public var keys: [String] { entries.map(\.key) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    private func position(of key: String) -> Int? {
        if entries.count <= Self.linearLimit { return entries.firstIndex { $0.key == key } }
        return index[key]
    }

    public subscript(key: String) -> Node? {
        position(of: key).map { entries[$0].value }
    }

    public func entry(_ key: String) -> Entry? {
        position(of: key).map { entries[$0] }
    }

    /// Sets a value, keeping the original position of an existing key.
    public subscript(key: String, at location: SourceLocation) -> Node? {
        get { self[key] }
        set {
            if let i = position(of: key) {
                if let newValue {
                    entries[i].value = newValue
                } else {
                    entries.remove(at: i)
                    rebuildIndex()
                }
            } else if let newValue {
                entries.append(Entry(key: key, keyLocation: location, value: newValue))
                if entries.count == Self.linearLimit + 1 {
                    rebuildIndex()
                } else if entries.count > Self.linearLimit {
                    index[key] = entries.count - 1
                }
            }
        }
    }

    public mutating func removeValue(forKey key: String) {
        guard let i = position(of: key) else { return }
        entries.remove(at: i)
        rebuildIndex()
    }

    private mutating func rebuildIndex() {
        index = [:]
        guard entries.count > Self.linearLimit else { return }
        index.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() { index[e.key] = i }
    }

    public static func == (lhs: Mapping, rhs: Mapping) -> Bool { lhs.entries == rhs.entries }
    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }
}
