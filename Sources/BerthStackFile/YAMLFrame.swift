import BerthDiagnostics

/// A list or mapping whose start event has been read but not its end: the values that have
/// arrived so far, and for a mapping the key waiting for its value.
struct YAMLFrame {
    let isMapping: Bool
    let location: SourceLocation
    let mergeTag: Node.MergeTag?
    /// Registered with the finished node, so an alias inside the node cannot name it.
    let anchor: String?
    /// The expansion budget left before this node: what is spent until its end is its size.
    let budgetAtStart: Int
    /// A list written as the value of `<<`: every item must be a mapping.
    let isMergeList: Bool

    var items: [Node] = []

    /// Explicit entries in document order. Small mappings are checked for duplicates by a
    /// scan; larger ones get the index `Mapping` needs, built as keys arrive so duplicates
    /// are found with the same hash lookup.
    var entries: [Mapping.Entry] = []
    var index: [String: Int] = [:]
    /// Entries from `<<` sources, earlier sources first; added after the explicit ones.
    var merged: [Mapping.Entry] = []
    var mergeKeyLocation: SourceLocation?

    private(set) var key: String?
    private(set) var keyLocation = SourceLocation(file: "", line: 0, column: 0)
    private(set) var keyIsMerge = false

    init(
        isMapping: Bool, location: SourceLocation, mergeTag: Node.MergeTag?, anchor: String?, budgetAtStart: Int,
        isMergeList: Bool
    ) {
        self.isMapping = isMapping
        self.location = location
        self.mergeTag = mergeTag
        self.anchor = anchor
        self.budgetAtStart = budgetAtStart
        self.isMergeList = isMergeList
    }

    /// Takes the next key, refusing one this mapping already has.
    mutating func setKey(_ text: String, at location: SourceLocation, isMerge: Bool) throws(DiagnosticsError) {
        if isMerge {
            if let first = mergeKeyLocation { throw Self.duplicate("<<", first: first, again: location) }
            mergeKeyLocation = location
        } else if let i = position(of: text) {
            throw Self.duplicate(text, first: entries[i].keyLocation, again: location)
        }
        key = text
        keyLocation = location
        keyIsMerge = isMerge
    }

    mutating func addValue(_ value: consuming Node) {
        append(Mapping.Entry(key: key ?? "", keyLocation: keyLocation, value: value))
        clearKey()
    }

    private func position(of key: String) -> Int? {
        if entries.count <= Mapping.linearLimit { return entries.firstIndex { $0.key == key } }
        return index[key]
    }

    /// Appends an entry whose key is not present yet, indexing once the mapping outgrows a scan.
    private mutating func append(_ entry: Mapping.Entry) {
        entries.append(entry)
        if entries.count == Mapping.linearLimit + 1 {
            index.reserveCapacity(entries.count * 2)
            for (i, e) in entries.enumerated() { index[e.key] = i }
        } else if entries.count > Mapping.linearLimit {
            index[entry.key] = entries.count - 1
        }
    }

    mutating func clearKey() {
        key = nil
        keyIsMerge = false
    }

    /// YAML merge keys: explicit keys win, and earlier merge sources win over later ones.
    consuming func finishMapping() -> Mapping {
        for entry in merged where position(of: entry.key) == nil {
            append(entry)
        }
        return Mapping(uniqueEntries: entries, index: index)
    }

    consuming func finishSequence() -> [Node] { items }

    private static func duplicate(_ key: String, first: SourceLocation, again: SourceLocation) -> DiagnosticsError {
        DiagnosticsError(
            .error(
                "duplicate-key", "duplicate key '\(key)' in a mapping", at: first,
                hint: "each key may appear once per mapping; remove or rename one of them",
                notes: [.init("written again here", at: again)]))
    }
}
