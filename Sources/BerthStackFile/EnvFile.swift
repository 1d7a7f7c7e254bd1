import BerthDiagnostics

/// compose's dotenv format, shared by the project `.env`, `--env-file` and services'
/// `env_file:`, so a file means the same thing wherever it is used.
///
/// `KEY=VAL`, `export KEY=VAL`, `#` comments; unquoted values are trimmed and lose an
/// inline ` #comment`; single quotes are literal (except `\'`); double quotes understand
/// `\n \r \t \a \b \f \v \\ \" \$` and may span lines; `${VAR}` is interpolated in unquoted and double-quoted values
/// (earlier keys of the same file first, then `lookup`); a bare `KEY` takes its value from
/// `lookup` and is skipped when that has none.
public enum EnvFile {
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var value: String
        /// Where the key is written, so a value can be traced back to its line.
        public var location: SourceLocation

        public init(key: String, value: String, location: SourceLocation) {
            self.key = key
            self.value = value
            self.location = location
        }
    }

    /// Entries in file order; a key written twice appears twice, the later one wins.
    public static func parse(
        _ text: String, file: String, lookup: (String) -> String?
    ) throws(DiagnosticsError) -> [Entry] {
        var parser = EnvFileParser(text: text, file: file)
        return try parser.parse(lookup: lookup)
    }
}

private struct EnvFileParser {
    let bytes: [UInt8]
    let file: String
    var i = 0
    var line = 1
    var column = 1
    var entries: [EnvFile.Entry] = []
    var known: [String: String] = [:]

    init(text: String, file: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
        self.file = file
    }

    var here: SourceLocation { SourceLocation(file: file, line: line, column: column) }
    var atEnd: Bool { i >= bytes.count }
    var current: UInt8 { bytes[i] }

    mutating func advance() {
        let b = bytes[i]
        i += 1
        if b == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
    func isNewline(_ b: UInt8) -> Bool { b == 0x0A }

    func fail(_ summary: String, at location: SourceLocation, hint: String? = nil) -> DiagnosticsError {
        DiagnosticsError(.error("invalid-env-file", summary, at: location, hint: hint))
    }

    mutating func skipBlanks() {
        while !atEnd, isBlank(current) { advance() }
    }

    mutating func skipToNextLine() {
        while !atEnd, !isNewline(current) { advance() }
        if !atEnd { advance() }
    }

    mutating func parse(lookup: (String) -> String?) throws(DiagnosticsError) -> [EnvFile.Entry] {
        while !atEnd {
            skipBlanks()
            if atEnd { break }
            if isNewline(current) {
                advance()
                continue
            }
            if current == UInt8(ascii: "#") {
                skipToNextLine()
                continue
            }
            try parseLine(lookup: lookup)
        }
        return entries
    }

    func isKeyByte(_ b: UInt8) -> Bool {
        Template.isNameByte(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "[")
            || b == UInt8(ascii: "]") || b >= 0x80
    }

    mutating func readKey() -> String {
        let start = i
        while !atEnd, isKeyByte(current) { advance() }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    mutating func parseLine(lookup: (String) -> String?) throws(DiagnosticsError) {
        var keyLocation = here
        var key = readKey()
        if key == "export", !atEnd, current == 0x20 || current == 0x09 {
            skipBlanks()
            keyLocation = here
            key = readKey()
        }
        if key.isEmpty {
            let found = atEnd ? "end of file" : "'\(String(decoding: [current], as: UTF8.self))'"
            throw fail(
                "expected a variable name, found \(found)", at: here,
                hint: "lines look like KEY=value; names use letters, digits, '_', '.', '-'")
        }
        skipBlanks()
        if atEnd || isNewline(current) || current == UInt8(ascii: "#") {
            // A bare KEY inherits from the environment, or is left out.
            skipToNextLine()
            if let value = lookup(key) {
                add(key, value, at: keyLocation)
            }
            return
        }
        guard current == UInt8(ascii: "=") || current == UInt8(ascii: ":") else {
            throw fail(
                "unexpected '\(String(decoding: [current], as: UTF8.self))' after the variable name '\(key)'",
                at: here, hint: "variable names cannot contain spaces; write \(key)=value")
        }
        advance()
        skipBlanks()
        let value: String
        if !atEnd, current == UInt8(ascii: "'") {
            value = try singleQuoted()
            try endOfQuotedLine(key)
        } else if !atEnd, current == UInt8(ascii: "\"") {
            let valueStart = here
            let raw = try doubleQuoted()
            value = try interpolate(raw, at: valueStart, lookup: lookup)
            try endOfQuotedLine(key)
        } else {
            let valueStart = here
            value = try interpolate(unquoted(), at: valueStart, lookup: lookup)
        }
        add(key, value, at: keyLocation)
    }

    mutating func add(_ key: String, _ value: String, at location: SourceLocation) {
        known[key] = value
        entries.append(EnvFile.Entry(key: key, value: value, location: location))
    }

    mutating func singleQuoted() throws(DiagnosticsError) -> String {
        let open = here
        advance()
        var out: [UInt8] = []
        while true {
            guard !atEnd else {
                throw fail("this single-quoted value is never closed", at: open, hint: "add the closing '")
            }
            let b = current
            advance()
            if b == UInt8(ascii: "'") { break }
            // Only `\'` is an escape here; any other backslash stays as written.
            if b == UInt8(ascii: "\\"), !atEnd, current == UInt8(ascii: "'") {
                out.append(current)
                advance()
                continue
            }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func doubleQuoted() throws(DiagnosticsError) -> String {
        let open = here
        advance()
        var out: [UInt8] = []
        while true {
            guard !atEnd else {
                throw fail("this double-quoted value is never closed", at: open, hint: "add the closing \"")
            }
            let b = current
            if b == UInt8(ascii: "\"") {
                advance()
                break
            }
            if b == UInt8(ascii: "\\"), i + 1 < bytes.count {
                advance()
                let e = current
                advance()
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "a"): out.append(0x07)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "v"): out.append(0x0B)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
                // `\$` keeps the dollar literal; `$$` is what the interpolator reads that way.
                case UInt8(ascii: "$"): out.append(contentsOf: [e, e])
                default: out.append(contentsOf: [UInt8(ascii: "\\"), e])
                }
                continue
            }
            out.append(b)
            advance()
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func unquoted() -> String {
        let start = i
        var end = i
        while !atEnd, !isNewline(current) {
            // As compose: a comment starts at " #" inside the value, so `KEY= #x` is "#x".
            if current == UInt8(ascii: "#"), i > start, bytes[i - 1] == 0x20 { break }
            advance()
            if !isBlank(bytes[i - 1]) { end = i }
        }
        skipToNextLine()
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    mutating func endOfQuotedLine(_ key: String) throws(DiagnosticsError) {
        skipBlanks()
        if atEnd { return }
        if isNewline(current) || current == UInt8(ascii: "#") {
            skipToNextLine()
            return
        }
        throw fail(
            "unexpected text after the closing quote of '\(key)'", at: here,
            hint: "quote the whole value, or start a comment with ' #'")
    }

    func interpolate(_ raw: String, at location: SourceLocation, lookup: (String) -> String?) throws(DiagnosticsError)
        -> String
    {
        var unset: [Template.Unset] = []
        do {
            return try Template.substitute(raw, lookup: { known[$0] ?? lookup($0) }, unset: &unset) ?? raw
        } catch {
            throw DiagnosticsError(Interpolation.diagnostic(for: error, at: location, path: nil))
        }
    }
}
