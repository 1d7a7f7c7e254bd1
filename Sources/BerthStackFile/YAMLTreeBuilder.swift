import BerthDiagnostics
import CYAML

/// Builds berth's `Node` tree straight from libyaml events: a stack of half-built containers,
/// each finished node attached to its parent as soon as it ends. Aliases are expanded here
/// under a budget and `<<` merge keys are applied, so no later stage sees anchors.
struct YAMLTreeBuilder {
    /// Deeper documents are refused: no real stack file nests more than a few levels, and
    /// every later stage walks the tree recursively.
    static let maximumDepth = 1000

    private var budget = YAMLReader.maximumExpandedNodes
    private var stack: [YAMLFrame] = []
    /// The stream's documents in order; compose merges them like files given with `-f`.
    private var roots: [Node] = []
    /// Each anchor's node with its expanded size, so an alias costs its size against the
    /// budget without being walked again: a bomb is refused after a handful of steps.
    /// A later anchor of the same name replaces the earlier one, as YAML says.
    private var anchors: [String: (node: Node, size: Int)] = [:]

    /// Reads the whole stream: every document, in order (none for an empty stream).
    mutating func build(from stream: borrowing YAMLEventStream) throws(DiagnosticsError) -> [Node] {
        var event = yaml_event_t()
        while true {
            try stream.next(into: &event)
            defer { yaml_event_delete(&event) }
            // Only events that start a value (or a document) need a position.
            var at: SourceLocation { stream.location(event.start_mark) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return roots
            case YAML_DOCUMENT_START_EVENT:
                // Anchors belong to the document that defines them.
                anchors = [:]
            case YAML_SCALAR_EVENT:
                try scalar(event, at: at)
            case YAML_ALIAS_EVENT:
                try alias(Self.string(event.data.alias.anchor), at: at)
            case YAML_SEQUENCE_START_EVENT:
                let start = event.data.sequence_start
                try open(isMapping: false, anchor: start.anchor, tag: start.tag, at: at)
            case YAML_MAPPING_START_EVENT:
                let start = event.data.mapping_start
                try open(isMapping: true, anchor: start.anchor, tag: start.tag, at: at)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                try close()
            default:
                break
            }
        }
    }

    // MARK: Events

    private mutating func scalar(_ event: yaml_event_t, at location: SourceLocation) throws(DiagnosticsError) {
        let event = event.data.scalar
        let text: String
        if let value = event.value {
            text = String(decoding: UnsafeBufferPointer(start: value, count: event.length), as: UTF8.self)
        } else {
            text = ""
        }
        var style: Scalar.Style
        switch event.style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: style = .literal
        case YAML_FOLDED_SCALAR_STYLE: style = .folded
        default: style = .plain
        }
        var mergeTag: Node.MergeTag?
        if let tag = event.tag {
            switch try YAMLTag(Self.string(tag), at: location) {
            case .string where style == .plain:
                // An explicit !!str makes even `null` or `80` a string, as quotes would.
                style = .doubleQuoted
            case .merge(let tag): mergeTag = tag
            default: break
            }
        }
        if let top = stack.indices.last, stack[top].isMapping, stack[top].key == nil {
            if mergeTag != nil { throw tagOnKey(at: location) }
            if let anchor = event.anchor {
                anchors[Self.string(anchor)] = (Node(.scalar(Scalar(text, style: style)), at: location), 1)
            }
            try stack[top].setKey(text, at: location, isMerge: style == .plain && text == "<<")
            return
        }
        try spend(1, at: location)
        let node = Node(.scalar(Scalar(text, style: style)), at: location, mergeTag: mergeTag)
        if let anchor = event.anchor { anchors[Self.string(anchor)] = (node, 1) }
        try attach(node, at: location)
    }

    private mutating func alias(_ name: String, at location: SourceLocation) throws(DiagnosticsError) {
        guard let (node, size) = anchors[name] else {
            let open = stack.contains { $0.anchor == name }
            throw DiagnosticsError(
                .error(
                    "invalid-yaml",
                    open
                        ? "the alias '*\(name)' is inside the value its anchor names, so it would never end"
                        : "the alias '*\(name)' names no anchor defined before it",
                    at: location, path: path,
                    hint: open ? nil : "define the value with '&\(name)' earlier in the file, then refer to it"))
        }
        if let top = stack.indices.last, stack[top].isMapping, stack[top].key == nil {
            guard let key = node.scalar else {
                throw DiagnosticsError(
                    .error(
                        "invalid-key", "mapping keys must be plain text, found \(node.kindName) (alias '*\(name)')",
                        at: location, path: path))
            }
            try stack[top].setKey(key.text, at: location, isMerge: false)
            return
        }
        try spend(size, at: location)
        try attach(node, at: location)
    }

    private mutating func open(
        isMapping: Bool, anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?,
        at location: SourceLocation
    ) throws(DiagnosticsError) {
        var isMergeList = false
        if let top = stack.indices.last, stack[top].isMapping {
            guard stack[top].key != nil else {
                throw DiagnosticsError(
                    .error(
                        "invalid-key", "mapping keys must be plain text, found \(isMapping ? "a mapping" : "a list")",
                        at: location, path: path))
            }
            isMergeList = !isMapping && stack[top].keyIsMerge
        }
        if stack.count >= Self.maximumDepth {
            throw DiagnosticsError(
                .error(
                    "too-deep", "the document nests more than \(Self.maximumDepth) lists and mappings deep",
                    at: location, path: path, hint: "the document nests deeper than \(Self.maximumDepth) levels"))
        }
        var mergeTag: Node.MergeTag?
        if let tag, case .merge(let known) = try YAMLTag(Self.string(tag), at: location) { mergeTag = known }
        let budgetAtStart = budget
        try spend(1, at: location)
        stack.append(
            YAMLFrame(
                isMapping: isMapping, location: location, mergeTag: mergeTag, anchor: anchor.map(Self.string),
                budgetAtStart: budgetAtStart, isMergeList: isMergeList))
    }

    private mutating func close() throws(DiagnosticsError) {
        guard let frame = stack.popLast() else { return }
        let location = frame.location
        let mergeTag = frame.mergeTag
        let anchor = frame.anchor
        let budgetAtStart = frame.budgetAtStart
        let kind: Node.Kind
        if frame.isMapping {
            kind = .mapping(frame.finishMapping())
        } else {
            if frame.isMergeList && frame.items.isEmpty { throw notMergeable(at: location) }
            kind = .sequence(frame.finishSequence())
        }
        let node = Node(kind, at: location, mergeTag: mergeTag)
        if let anchor { anchors[anchor] = (node, budgetAtStart - budget) }
        try attach(node, at: location)
    }

    // MARK: Building

    /// Hands a finished value to the container being built; `site` is where the value was
    /// written (an alias's own position), for errors about it.
    private mutating func attach(_ node: consuming Node, at site: SourceLocation) throws(DiagnosticsError) {
        guard let top = stack.indices.last else {
            roots.append(node)
            return
        }
        if !stack[top].isMapping {
            if stack[top].isMergeList && node.mapping == nil { throw notMergeable(at: site) }
            stack[top].items.append(consume node)
            return
        }
        if stack[top].keyIsMerge {
            switch node.kind {
            case .mapping(let source):
                stack[top].merged.append(contentsOf: source.entries)
            case .sequence(let items) where !items.isEmpty:
                for item in items {
                    // Reached only through an alias to a list: items of a list written here were checked on arrival.
                    guard let source = item.mapping else { throw notMergeable(at: site) }
                    stack[top].merged.append(contentsOf: source.entries)
                }
            default:
                throw notMergeable(at: site)
            }
            stack[top].clearKey()
            return
        }
        stack[top].addValue(consume node)
    }

    private mutating func spend(_ cost: Int, at location: SourceLocation) throws(DiagnosticsError) {
        budget -= cost
        if budget < 0 {
            throw DiagnosticsError(
                .error(
                    "alias-bomb",
                    "the document expands to more than \(YAMLReader.maximumExpandedNodes) values through aliases",
                    at: location, path: path,
                    hint: "this looks like an alias bomb (\"billion laughs\"); berth refuses to expand it"))
        }
    }

    // MARK: Errors

    /// Where the builder is, for error messages: computed only when an error is raised, so
    /// building large files keeps no path per value.
    private var path: KeyPath {
        var components: [KeyPath.Component] = []
        for frame in stack {
            if !frame.isMapping {
                components.append(.index(frame.items.count))
            } else if let key = frame.key, !frame.keyIsMerge {
                components.append(.key(key))
            }
        }
        return KeyPath(components)
    }

    private func notMergeable(at location: SourceLocation) -> DiagnosticsError {
        DiagnosticsError(
            .error(
                "invalid-merge-key", "the value of '<<' must be a mapping or a list of mappings",
                at: location, path: path, hint: "write '<<: *anchor' where the anchor names a mapping"))
    }

    private func tagOnKey(at location: SourceLocation) -> DiagnosticsError {
        DiagnosticsError(
            .error(
                "unknown-tag", "the !reset and !override tags apply to values, not to mapping keys",
                at: location, path: path, hint: "move the tag after the ':', before the value"))
    }

    private static func string(_ text: UnsafeMutablePointer<yaml_char_t>?) -> String {
        guard let text else { return "" }
        return String(cString: UnsafePointer(text))
    }
}
