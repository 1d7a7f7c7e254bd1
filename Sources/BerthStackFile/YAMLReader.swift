import BerthDiagnostics
import Yams

/// Reads YAML text into positioned `Node`s. Aliases are expanded here (with a budget, so
/// an alias bomb is refused quickly instead of eating memory) and `<<` merge keys are
/// applied, so no later stage ever sees anchors.
public enum YAMLReader {
    /// Largest stack file accepted; compose files are kilobytes, a 5,000-service stack a few MB.
    public static let maximumFileSize = 32 << 20
    /// Upper bound on nodes after alias expansion. Realistic files stay far below it;
    /// "billion laughs" documents exceed it after a few milliseconds.
    public static let maximumExpandedNodes = 2_000_000

    public static func parse(_ text: String, file: String) throws(DiagnosticsError) -> Node? {
        let start = SourceLocation(file: file, line: 1, column: 1)
        if text.utf8.count > maximumFileSize {
            throw DiagnosticsError(
                .error(
                    "file-too-large",
                    "the file is \(text.utf8.count) bytes, more than the \(maximumFileSize) bytes berth reads",
                    at: start, hint: "stack files are small text files; check that this is the file you meant"))
        }
        if text.utf8.contains(0) {
            throw DiagnosticsError(
                .error("not-text", "the file contains NUL bytes and is not YAML text", at: start))
        }
        let root: Yams.Node?
        let parser: Parser
        do {
            parser = try Parser(yaml: text)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            throw DiagnosticsError(diagnostic(for: error, file: file))
        } catch {
            throw DiagnosticsError(.error("invalid-yaml", "\(error)", at: start))
        }
        guard let root else { return nil }
        var converter = Converter(file: file)
        // The parser owns the anchors the converter memoises by identity: keep it alive.
        return try withExtendedLifetime(parser) { () throws(DiagnosticsError) in
            try converter.convert(root, path: .root)
        }
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.joined(separator: " ")
            return .error("invalid-yaml", "invalid YAML: \(text)", at: at(mark), hint: yamlHint(for: problem))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .error(
                "duplicate-key", "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping",
                at: at(context.mark), hint: "each key may appear once per mapping; remove or rename one of them")
        case .reader(let problem, let offset, _, _):
            let where_ = offset.map { " at byte \($0)" } ?? ""
            return .error(
                "invalid-yaml", "the file is not valid UTF-8 YAML text\(where_): \(problem)",
                at: SourceLocation(file: file, line: 1, column: 1))
        default:
            return .error("invalid-yaml", "invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    private static func yamlHint(for problem: String) -> String? {
        if problem.contains("tab") { return "YAML indentation must use spaces, not tabs" }
        if problem.contains("Maximum nesting level") { return "the document nests deeper than 1000 levels" }
        if problem.contains("mapping values are not allowed") {
            return "a value containing ': ' must be quoted, or a key is indented wrongly"
        }
        return nil
    }

    private struct Converter {
        let file: String
        var budget = YAMLReader.maximumExpandedNodes
        /// Anchored nodes already converted, with their expanded size: an alias costs its
        /// size against the budget without being walked again, so a bomb is refused after
        /// a handful of steps instead of billions.
        var anchored: [ObjectIdentifier: (node: Node, size: Int)] = [:]

        init(file: String) { self.file = file }

        static func anchor(of node: Yams.Node) -> Anchor? {
            switch node {
            case .scalar(let s): return s.anchor
            case .sequence(let s): return s.anchor
            case .mapping(let m): return m.anchor
            case .alias: return nil
            }
        }

        mutating func convert(_ node: Yams.Node, path: KeyPath) throws(DiagnosticsError) -> Node {
            guard let anchor = Self.anchor(of: node) else { return try convertFresh(node, path: path) }
            let id = ObjectIdentifier(anchor)
            if let (converted, size) = anchored[id] {
                budget -= size - 1
                try spend(node.mark)
                return converted
            }
            let before = budget
            let converted = try convertFresh(node, path: path)
            anchored[id] = (converted, before - budget)
            return converted
        }

        func location(_ mark: Mark?) -> SourceLocation {
            SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        }

        mutating func spend(_ mark: Mark?) throws(DiagnosticsError) {
            budget -= 1
            if budget < 0 {
                throw DiagnosticsError(
                    .error(
                        "alias-bomb",
                        "the document expands to more than \(YAMLReader.maximumExpandedNodes) values through aliases",
                        at: location(mark),
                        hint: "this looks like an alias bomb (\"billion laughs\"); berth refuses to expand it"))
            }
        }

        func mergeTag(_ tag: Tag, at mark: Mark?) throws(DiagnosticsError) -> Node.MergeTag? {
            let name = tag.rawValue
            if name.isEmpty || name == "!" || name.hasPrefix("tag:yaml.org,2002:") { return nil }
            if let known = Node.MergeTag(rawValue: name) { return known }
            throw DiagnosticsError(
                .error(
                    "unknown-tag", "unsupported YAML tag '\(name)'", at: location(mark),
                    hint: "compose files support only the !reset and !override tags"))
        }

        mutating func convertFresh(_ node: Yams.Node, path: KeyPath) throws(DiagnosticsError) -> Node {
            try spend(node.mark)
            switch node {
            case .scalar(let s):
                let style: Scalar.Style
                switch s.style {
                case .singleQuoted: style = .singleQuoted
                case .doubleQuoted: style = .doubleQuoted
                case .literal: style = .literal
                case .folded: style = .folded
                default: style = .plain
                }
                // An explicit !!str makes even `null` a string.
                let forced =
                    s.tag.rawValue == "tag:yaml.org,2002:str" && style == .plain ? Scalar.Style.doubleQuoted : style
                return Node(
                    .scalar(Scalar(s.string, style: forced)), at: location(s.mark),
                    mergeTag: try mergeTag(s.tag, at: s.mark))
            case .sequence(let seq):
                var items: [Node] = []
                items.reserveCapacity(seq.count)
                for (i, item) in seq.enumerated() {
                    items.append(try convert(item, path: path.appending(index: i)))
                }
                return Node(.sequence(items), at: location(seq.mark), mergeTag: try mergeTag(seq.tag, at: seq.mark))
            case .mapping(let map):
                var explicit: [Mapping.Entry] = []
                var merged: [Mapping.Entry] = []
                for (key, value) in map {
                    guard case .scalar(let keyScalar) = key else {
                        throw DiagnosticsError(
                            .error(
                                "invalid-key", "mapping keys must be plain text, found \(Node.describe(key))",
                                at: location(key.mark), path: path))
                    }
                    if keyScalar.string == "<<", keyScalar.style == .plain {
                        merged.append(contentsOf: try mergeSources(value, path: path))
                        continue
                    }
                    let converted = try convert(value, path: path.appending(keyScalar.string))
                    explicit.append(
                        Mapping.Entry(key: keyScalar.string, keyLocation: location(keyScalar.mark), value: converted))
                }
                var mapping = Mapping(explicit)
                // YAML merge keys: explicit keys win, earlier merge sources win over later ones.
                for entry in merged where mapping[entry.key] == nil {
                    mapping[entry.key, at: entry.keyLocation] = entry.value
                }
                return Node(.mapping(mapping), at: location(map.mark), mergeTag: try mergeTag(map.tag, at: map.mark))
            case .alias(let alias):
                throw DiagnosticsError(
                    .error("invalid-yaml", "unresolved alias '\(alias.anchor)'", at: location(alias.mark), path: path))
            }
        }

        mutating func mergeSources(_ value: Yams.Node, path: KeyPath) throws(DiagnosticsError) -> [Mapping.Entry] {
            var sources: [Yams.Node] = []
            switch value {
            case .mapping: sources = [value]
            case .sequence(let seq): sources = Array(seq)
            default: break
            }
            var entries: [Mapping.Entry] = []
            var seen = Set<String>()
            for source in sources {
                guard case .mapping = source else {
                    throw DiagnosticsError(
                        .error(
                            "invalid-merge-key", "the value of '<<' must be a mapping or a list of mappings",
                            at: location(source.mark), path: path,
                            hint: "write '<<: *anchor' where the anchor names a mapping"))
                }
                guard let converted = try convert(source, path: path).mapping else { continue }
                for entry in converted.entries where seen.insert(entry.key).inserted {
                    entries.append(entry)
                }
            }
            if sources.isEmpty {
                throw DiagnosticsError(
                    .error(
                        "invalid-merge-key", "the value of '<<' must be a mapping or a list of mappings",
                        at: location(value.mark), path: path))
            }
            return entries
        }
    }
}

extension Node {
    static func describe(_ node: Yams.Node) -> String {
        switch node {
        case .scalar: return "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }
}
