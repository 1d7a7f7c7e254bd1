import BerthDiagnostics

/// Applies `Template` to every scalar value of one file (never to keys), turning its
/// failures into diagnostics that point at the `$` when the column can be known.
enum Interpolation {
    /// Interpolates `node`; unset variables become warnings, other problems errors. The tree
    /// is rebuilt only where a value changed, so `$`-free files cost one scan per scalar.
    static func apply(
        to node: Node, environment: [String: String], source: String?
    ) -> (node: Node, warnings: [Diagnostic], errors: [Diagnostic]) {
        var walker = Walker(environment: environment, source: source)
        let result = walker.visit(node) ?? node
        return (result, walker.warnings, walker.errors)
    }

    static func diagnostic(for failure: Template.Failure, at location: SourceLocation, path: KeyPath?) -> Diagnostic {
        switch failure.kind {
        case .required(let name, let message, let emptyCounts):
            let why = emptyCounts ? "unset or empty" : "unset"
            let summary =
                message.isEmpty
                ? "required variable '\(name)' is missing a value (it is \(why))"
                : "required variable '\(name)' is missing a value: \(message)"
            return .error(
                "required-variable", summary, at: location, path: path,
                hint: "set \(name) in the environment, in the project's .env file or with --env-file")
        case .syntax(let reason):
            return .error(
                "invalid-interpolation", "invalid interpolation: \(reason)", at: location, path: path,
                hint: "write '$$' for a literal '$'")
        }
    }

    static func unsetWarning(_ name: String, at location: SourceLocation, path: KeyPath) -> Diagnostic {
        .warning(
            "unset-variable", "the \"\(name)\" variable is not set; defaulting to a blank string", at: location,
            path: path,
            hint: "set \(name) in the environment or the .env file, or give a default with ${\(name):-default}")
    }

    private struct Walker {
        let environment: [String: String]
        let source: String?
        var lineStarts: [String.Index]?
        var path: [KeyPath.Component] = []
        var warnings: [Diagnostic] = []
        var errors: [Diagnostic] = []
        var warned: Set<Warned> = []

        struct Warned: Hashable {
            var name: String
            var location: SourceLocation
        }

        init(environment: [String: String], source: String?) {
            self.environment = environment
            self.source = source
        }

        /// nil when nothing below `node` changed.
        mutating func visit(_ node: Node) -> Node? {
            switch node.kind {
            case .scalar(let scalar):
                return interpolate(scalar, node)
            case .sequence(let items):
                var changed: [Node]?
                for (i, item) in items.enumerated() {
                    path.append(.index(i))
                    if let new = visit(item) {
                        if changed == nil { changed = items }
                        changed?[i] = new
                    }
                    path.removeLast()
                }
                guard let changed else { return nil }
                var copy = node
                copy.kind = .sequence(changed)
                return copy
            case .mapping(let mapping):
                var changed: Mapping?
                for entry in mapping.entries {
                    path.append(.key(entry.key))
                    if let new = visit(entry.value) {
                        if changed == nil { changed = mapping }
                        changed?[entry.key, at: entry.keyLocation] = new
                    }
                    path.removeLast()
                }
                guard let changed else { return nil }
                var copy = node
                copy.kind = .mapping(changed)
                return copy
            }
        }

        mutating func interpolate(_ scalar: Scalar, _ node: Node) -> Node? {
            var unset: [Template.Unset] = []
            let lookup: (String) -> String? = { environment[$0] }
            do {
                guard let text = try Template.substitute(scalar.text, lookup: lookup, unset: &unset) else {
                    return nil
                }
                for variable in unset {
                    let at = location(of: variable.offset, in: scalar, node)
                    // An anchor used by many services is one mistake, reported once.
                    guard warned.insert(Warned(name: variable.name, location: at)).inserted else { continue }
                    warnings.append(unsetWarning(variable.name, at: at, path: KeyPath(path)))
                }
                var copy = node
                var result = Scalar(text, style: scalar.style)
                // A value written as a variable is a string once substituted, as in compose:
                // `FOO: ${UNSET}` sets FOO to "" rather than leaving the key without a value.
                if result.isNull, !scalar.isNull { result.style = .doubleQuoted }
                copy.kind = .scalar(result)
                return copy
            } catch {
                errors.append(
                    diagnostic(for: error, at: location(of: error.offset, in: scalar, node), path: KeyPath(path)))
                return nil
            }
        }

        /// The position of byte `offset` of a scalar's text in the file, when the scalar is
        /// written on one line exactly as its text reads (no escapes before the offset);
        /// otherwise the scalar's own position.
        mutating func location(of offset: Int, in scalar: Scalar, _ node: Node) -> SourceLocation {
            let fallback = node.location
            guard let source, node.location.line >= 1 else { return fallback }
            let utf8 = scalar.text.utf8
            guard let prefixEnd = utf8.index(utf8.startIndex, offsetBy: offset, limitedBy: utf8.endIndex) else {
                return fallback
            }
            let prefix = scalar.text[..<prefixEnd]
            if prefix.contains("\n") { return fallback }
            let quoteWidth: Int
            switch scalar.style {
            case .plain: quoteWidth = 0
            case .singleQuoted, .doubleQuoted: quoteWidth = 1
            case .literal, .folded: return fallback
            }
            if lineStarts == nil { lineStarts = Self.lineStarts(of: source) }
            guard let starts = lineStarts, node.location.line <= starts.count else { return fallback }
            let lineStart = starts[node.location.line - 1]
            let line = source[lineStart...].prefix { $0 != "\n" }
            let scalars = line.unicodeScalars
            guard
                let valueStart = scalars.index(
                    scalars.startIndex, offsetBy: node.location.column - 1 + quoteWidth, limitedBy: scalars.endIndex)
            else { return fallback }
            guard Substring(scalars[valueStart...]).hasPrefix(prefix) else { return fallback }
            let column = node.location.column + quoteWidth + prefix.unicodeScalars.count
            return SourceLocation(file: node.location.file, line: node.location.line, column: column)
        }

        static func lineStarts(of text: String) -> [String.Index] {
            var starts = [text.startIndex]
            var i = text.utf8.startIndex
            while i < text.utf8.endIndex {
                let next = text.utf8.index(after: i)
                if text.utf8[i] == UInt8(ascii: "\n") { starts.append(next) }
                i = next
            }
            return starts
        }
    }
}
