import Foundation

/// Turns diagnostics into what a person reads in a terminal (the offending line with a
/// caret under the column) or what a script parses (`--format json`).
public struct DiagnosticRenderer: Sendable {
    /// Source text by file name, for quoting the offending line. Files not present are
    /// rendered without a quote.
    public var sources: [String: String]
    public var colors: Bool

    public init(sources: [String: String] = [:], colors: Bool = false) {
        self.sources = sources
        self.colors = colors
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    public func render(_ d: Diagnostic) -> String {
        var out = ""
        let label = d.severity == .error ? paint("error", "31;1") : paint("warning", "33;1")
        if let location = d.location {
            out += paint(location.description, "1") + ": "
        }
        out += label + ": "
        if let path = d.keyPath, !path.isRoot {
            out += paint(path.description, "1") + ": "
        }
        out += d.summary + "\n"
        if let location = d.location, let quote = quote(location) {
            out += quote
        }
        for note in d.notes {
            out += "  note: "
            if let at = note.location { out += "\(at): " }
            out += note.message + "\n"
        }
        if let hint = d.hint {
            out += "  " + paint("hint", "36") + ": " + hint + "\n"
        }
        return out
    }

    private func quote(_ location: SourceLocation) -> String? {
        guard let text = sources[location.file] else { return nil }
        var lineNumber = 1
        var found: Substring?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if lineNumber == location.line {
                found = line
                break
            }
            lineNumber += 1
        }
        guard var line = found else { return nil }
        if line.hasSuffix("\r") { line = line.dropLast() }
        let gutter = String(location.line)
        let pad = String(repeating: " ", count: gutter.count)
        let prefix = line.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        return "  \(pad) |\n  \(gutter) | \(line)\n  \(pad) | \(prefix)" + paint("^", "32;1") + "\n"
    }

    private func paint(_ text: String, _ code: String) -> String {
        colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// A JSON array of objects with stable keys, one per diagnostic.
    public static func json(_ diagnostics: [Diagnostic]) -> String {
        let objects: [[String: Any]] = diagnostics.map { d in
            var o: [String: Any] = ["severity": d.severity.rawValue, "code": d.code, "message": d.summary]
            if let l = d.location {
                o["file"] = l.file
                o["line"] = l.line
                o["column"] = l.column
            }
            if let p = d.keyPath { o["path"] = p.description }
            if let h = d.hint { o["hint"] = h }
            if !d.notes.isEmpty {
                o["notes"] = d.notes.map { n -> [String: Any] in
                    var no: [String: Any] = ["message": n.message]
                    if let l = n.location { no["location"] = l.description }
                    return no
                }
            }
            return o
        }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
            let text = String(data: data, encoding: .utf8)
        else { return "[]" }
        return text
    }
}
