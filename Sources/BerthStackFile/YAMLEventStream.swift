import BerthDiagnostics
import CYAML

/// libyaml's event parser over bytes the caller keeps alive. Non-copyable so exactly one
/// owner frees the C parser, whichever way parsing ends.
struct YAMLEventStream: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let bytes: UnsafeBufferPointer<UInt8>
    let file: String

    /// `bytes` must stay valid and unchanged for the stream's whole life: libyaml reads them
    /// in place instead of copying the file.
    init(bytes: UnsafeBufferPointer<UInt8>, file: String) throws(DiagnosticsError) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) != 0, let start = bytes.baseAddress else {
            parser.deallocate()
            throw DiagnosticsError(
                .error(
                    "invalid-yaml", "the YAML parser could not start (out of memory?)",
                    at: SourceLocation(file: file, line: 1, column: 1)))
        }
        yaml_parser_set_input_string(parser, start, bytes.count)
        self.parser = parser
        self.bytes = bytes
        self.file = file
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// Fills `event` with the next event. The caller releases it with `yaml_event_delete`.
    func next(into event: inout yaml_event_t) throws(DiagnosticsError) {
        guard yaml_parser_parse(parser, &event) != 0 else { throw DiagnosticsError(syntaxError()) }
    }

    /// libyaml's own words for what is wrong (they name the construct being parsed), with a
    /// hint for the mistakes people make most in compose files.
    private func syntaxError() -> Diagnostic {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown error"
        switch p.error {
        case YAML_READER_ERROR:
            return .error(
                "invalid-yaml", "the file is not valid UTF-8 YAML text at byte \(p.problem_offset): \(problem)",
                at: SourceLocation(file: file, line: 1, column: 1))
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            let context = p.context.map { String(cString: $0) }
            let text = [context, problem].compactMap { $0 }.joined(separator: " ")
            return .error(
                "invalid-yaml", "invalid YAML: \(text)", at: location(p.problem_mark),
                hint: Self.hint(for: problem, at: character(at: p.problem_mark)))
        default:
            return .error(
                "invalid-yaml", "the YAML parser failed: \(problem)", at: SourceLocation(file: file, line: 1, column: 1)
            )
        }
    }

    /// libyaml counts lines and columns (in characters) from 0; editors count from 1.
    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1)
    }

    /// The character an error points at; only computed for errors, so a linear walk is fine.
    private func character(at mark: yaml_mark_t) -> Character? {
        var line = 0
        var lineStart = 0
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            if line == mark.line { break }
            line += 1
            lineStart = offset + 1
        }
        guard line == mark.line else { return nil }
        let text = String(decoding: bytes[lineStart...].prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return text.dropFirst(mark.column).first
    }

    static func hint(for problem: String, at character: Character?) -> String? {
        if problem.contains("tab") || character == "\t" { return "YAML indentation must use spaces, not tabs" }
        if problem.contains("mapping values are not allowed") {
            return "a value containing ': ' must be quoted, or a key is indented wrongly"
        }
        return nil
    }
}
