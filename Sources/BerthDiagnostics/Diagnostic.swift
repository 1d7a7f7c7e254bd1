/// One problem found in user input, with enough context for a person to fix it without
/// reading berth's source: what is wrong, where, and what to do about it.
public struct Diagnostic: Hashable, Sendable, Error, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .warning && rhs == .error
        }
    }

    /// A second place that matters to the problem, e.g. the other definition of a duplicate.
    public struct Note: Hashable, Sendable {
        public var message: String
        public var location: SourceLocation?

        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    public var severity: Severity
    /// A stable machine-readable identifier (`unknown-key`, `undefined-network`, ...).
    public var code: String
    public var summary: String
    public var location: SourceLocation?
    public var keyPath: KeyPath?
    public var hint: String?
    public var notes: [Note]

    public init(
        _ severity: Severity,
        code: String,
        _ summary: String,
        at location: SourceLocation? = nil,
        path keyPath: KeyPath? = nil,
        hint: String? = nil,
        notes: [Note] = []
    ) {
        self.severity = severity
        self.code = code
        self.summary = summary
        self.location = location
        self.keyPath = keyPath
        self.hint = hint
        self.notes = notes
    }

    public static func error(
        _ code: String, _ summary: String, at location: SourceLocation? = nil, path: KeyPath? = nil,
        hint: String? = nil, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.error, code: code, summary, at: location, path: path, hint: hint, notes: notes)
    }

    public static func warning(
        _ code: String, _ summary: String, at location: SourceLocation? = nil, path: KeyPath? = nil,
        hint: String? = nil, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.warning, code: code, summary, at: location, path: path, hint: hint, notes: notes)
    }

    /// One line: `file:line:col: error: services.web.ports[0]: summary`.
    public var description: String {
        var parts: [String] = []
        if let location { parts.append(location.description) }
        parts.append(severity.rawValue)
        if let keyPath, !keyPath.isRoot { parts.append(keyPath.description) }
        return parts.joined(separator: ": ") + ": " + summary
    }

    /// Total order used everywhere diagnostics are shown, so output is deterministic:
    /// by file position, then path, then text. Diagnostics without a location come last.
    public static func ordered(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        switch (lhs.location, rhs.location) {
        case (let l?, let r?) where l != r: return l < r
        case (.some, .none): return true
        case (.none, .some): return false
        default: break
        }
        let lp = lhs.keyPath?.description ?? "", rp = rhs.keyPath?.description ?? ""
        if lp != rp { return lp < rp }
        return lhs.summary < rhs.summary
    }
}
