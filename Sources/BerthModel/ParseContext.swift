import BerthDiagnostics
import BerthStackFile

/// Collects diagnostics while typed values are read from the node tree. Every reader
/// reports wrong types at the node's position and returns nil, so one run finds every
/// problem and bad input never stops the walk.
final class ParseContext {
    private(set) var diagnostics: [Diagnostic] = []
    /// Process/`.env` variables, for `~` expansion and `environment:` config sources.
    let environment: [String: String]
    let projectDirectory: String

    init(environment: [String: String], projectDirectory: String) {
        self.environment = environment
        self.projectDirectory = projectDirectory
    }

    /// Counted as they come, so "did this part add errors?" stays O(1) in large stacks.
    private(set) var errorCount = 0

    func error(
        _ code: String, _ summary: String, at location: SourceLocation?, _ path: KeyPath, hint: String? = nil,
        notes: [Diagnostic.Note] = []
    ) {
        diagnostics.append(.error(code, summary, at: location, path: path, hint: hint, notes: notes))
        errorCount += 1
    }

    func warning(_ code: String, _ summary: String, at location: SourceLocation?, _ path: KeyPath, hint: String? = nil)
    {
        diagnostics.append(.warning(code, summary, at: location, path: path, hint: hint))
    }

    func add(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        if diagnostic.severity == .error { errorCount += 1 }
    }

    func typeError(_ node: Node, _ path: KeyPath, expected: String, hint: String? = nil) {
        error(
            "wrong-type", "expected \(expected), found \(node.kindName)", at: node.location, path,
            hint: hint ?? "write \(expected) here\(reference(path))")
    }

    func invalid(_ node: Node, _ path: KeyPath, _ failure: ValueError) {
        error(
            "invalid-value", failure.message, at: node.location, path,
            hint: failure.hint ?? "fix this value\(reference(path))")
    }

    /// "; see the compose specification for 'ports'", naming the nearest key.
    private func reference(_ path: KeyPath) -> String {
        for c in path.components.reversed() {
            if case .key(let k) = c { return "; see the compose specification for '\(k)'" }
        }
        return ""
    }

    func mapping(_ node: Node, _ path: KeyPath) -> Mapping? {
        if let m = node.mapping { return m }
        typeError(node, path, expected: "a mapping")
        return nil
    }

    func sequence(_ node: Node, _ path: KeyPath) -> [Node]? {
        if let s = node.sequence { return s }
        typeError(node, path, expected: "a list")
        return nil
    }

    /// Any non-null scalar as text: compose reads `image: 1.0` as the string "1.0".
    func text(_ node: Node, _ path: KeyPath) -> String? {
        if let s = node.scalar, !s.isNull { return s.text }
        typeError(node, path, expected: "a string")
        return nil
    }

    /// `true`/`false`, and for boolean-typed keys also YAML 1.1's `yes`/`no`/`on`/`off`/`y`/`n`
    /// in any case, which compose-go accepts with a warning; berth warns the same way.
    func bool(_ node: Node, _ path: KeyPath) -> Bool? {
        if let s = node.scalar {
            if let b = s.bool { return b }
            if s.isQuoted, s.text == "true" || s.text == "false" { return s.text == "true" }
            let legacy: Bool?
            switch s.text.lowercased() {
            case "true": legacy = true
            case "false": legacy = false
            case "yes", "y", "on": legacy = true
            case "no", "n", "off": legacy = false
            default: legacy = nil
            }
            if let legacy {
                if !["true", "false"].contains(s.text.lowercased()) {
                    warning(
                        "yaml11-boolean", "'\(s.text)' is a YAML 1.1 boolean; read as \(legacy)", at: node.location,
                        path,
                        hint: "write \(legacy) instead, as YAML 1.2 reads '\(s.text)' as a string")
                }
                return legacy
            }
        }
        typeError(node, path, expected: "true or false")
        return nil
    }

    /// Integers, also quoted ones (`"3"`), as compose's schema coercion accepts both.
    func int(_ node: Node, _ path: KeyPath, min: Int? = nil, max: Int? = nil) -> Int? {
        guard let s = node.scalar, !s.isNull else {
            typeError(node, path, expected: "an integer")
            return nil
        }
        guard let value = s.int ?? Int(s.text) else {
            error(
                "invalid-value", "'\(s.text)' is not an integer", at: node.location, path, hint: "write a whole number")
            return nil
        }
        if let min, value < min {
            error(
                "invalid-value", "\(value) is below the minimum of \(min)", at: node.location, path,
                hint: "use a value of at least \(min)")
            return nil
        }
        if let max, value > max {
            error(
                "invalid-value", "\(value) is above the maximum of \(max)", at: node.location, path,
                hint: "use a value of at most \(max)")
            return nil
        }
        return value
    }

    /// Reads a scalar through a value parser, reporting its failure at the node.
    func parse<T>(_ node: Node, _ path: KeyPath, _ parser: (String) throws(ValueError) -> T) -> T? {
        guard let text = text(node, path) else { return nil }
        do {
            return try parser(text)
        } catch {
            invalid(node, path, error)
            return nil
        }
    }

    /// A list of strings, or (with `allowSingle`) one string standing for a one-item list.
    func strings(_ node: Node, _ path: KeyPath, allowSingle: Bool = false) -> [String]? {
        if allowSingle, let s = node.scalar, !s.isNull { return [s.text] }
        guard let items = sequence(node, path) else { return nil }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            if let t = text(item, path.appending(index: i)) { out.append(t) }
        }
        return out
    }

    /// `labels`, `sysctls`, `driver_opts`: a mapping, or a list of `key=value`.
    /// A list entry without `=` maps to the empty string, as compose does for labels.
    func stringMap(_ node: Node, _ path: KeyPath, listAllowed: Bool = true) -> [String: String]? {
        var out: [String: String] = [:]
        if let m = node.mapping {
            for e in m.entries {
                let p = path.appending(e.key)
                if e.value.isNull {
                    out[e.key] = ""
                } else if let t = text(e.value, p) {
                    out[e.key] = t
                }
            }
            return out
        }
        guard listAllowed, let items = node.sequence else {
            typeError(node, path, expected: listAllowed ? "a mapping or a list of key=value" : "a mapping")
            return nil
        }
        for (i, item) in items.enumerated() {
            guard let t = text(item, path.appending(index: i)) else { continue }
            let parts = t.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            if key.isEmpty {
                error(
                    "invalid-value", "'\(t)' has no key before '='", at: item.location, path.appending(index: i),
                    hint: "write KEY=VALUE")
                continue
            }
            if out[key] != nil {
                error(
                    "duplicate-key", "'\(key)' is set more than once", at: item.location, path.appending(index: i),
                    hint: "remove one of the entries")
            }
            out[key] = parts.count > 1 ? String(parts[1]) : ""
        }
        return out
    }

    /// Reports keys that are not in `allowed`, with a did-you-mean, and keys berth knows but
    /// cannot honour yet. Extension keys (`x-*`) are always allowed. Returns false if any
    /// key was refused.
    @discardableResult
    func checkKeys(
        _ mapping: Mapping, _ path: KeyPath, allowed: Set<String>, unsupported: [String: String] = [:],
        candidates: [String]? = nil, what: String
    ) -> Bool {
        var ok = true
        for e in mapping.entries where !allowed.contains(e.key) && !e.key.hasPrefix("x-") {
            ok = false
            let p = path.appending(e.key)
            if let why = unsupported[e.key] {
                error(
                    "unsupported-key", "'\(e.key)' is a compose key berth does not support yet", at: e.keyLocation, p,
                    hint: why.isEmpty ? "remove '\(e.key)' from \(what)" : why)
            } else {
                error(
                    "unknown-key", "unknown key '\(e.key)' in \(what)", at: e.keyLocation, p,
                    hint: Suggestions.hint(for: e.key, in: candidates ?? allowed.union(unsupported.keys).sorted())
                        ?? "see the compose specification for the keys \(what) accepts")
            }
        }
        return ok
    }

    /// Extension fields (`x-*`) of a mapping, kept verbatim for output.
    func extensions(_ mapping: Mapping) -> [String: Value] {
        var out: [String: Value] = [:]
        for e in mapping.entries where e.key.hasPrefix("x-") { out[e.key] = Value.from(e.value) }
        return out
    }
}
