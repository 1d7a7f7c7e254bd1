/// The compose-spec interpolation language (`$VAR`, `${VAR:-default}`, `$$`, ...) evaluated
/// over UTF-8 bytes. Stack files of thousands of services interpolate every scalar, so
/// text without a `$` is recognised with one scan and never copied, and the rest is built
/// byte by byte instead of character by character.
enum Template {
    /// A variable that was referenced without a default and is not set; it became "".
    struct Unset: Hashable, Sendable {
        var name: String
        /// Byte offset of its `$` in the interpolated text.
        var offset: Int
    }

    struct Failure: Error, Sendable {
        enum Kind: Sendable, Equatable {
            /// `${VAR:?message}` / `${VAR?message}` with VAR missing.
            case required(name: String, message: String, emptyCounts: Bool)
            case syntax(String)
        }

        var kind: Kind
        /// Byte offset of the `$` that starts the offending expression.
        var offset: Int
    }

    /// Deeper nesting than this is refused instead of recursing without bound.
    static let maximumNesting = 64

    /// Returns nil when `text` contains no `$`, so callers keep the original value as is.
    static func substitute(
        _ text: String, lookup: (String) -> String?, unset: inout [Unset]
    ) throws(Failure) -> String? {
        guard text.utf8.contains(dollar) else { return nil }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        try expand(bytes, bytes.startIndex, bytes.endIndex, depth: 0, lookup: lookup, unset: &unset, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let dollar = UInt8(ascii: "$")
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")
    private static let colon = UInt8(ascii: ":")
    private static let minus = UInt8(ascii: "-")
    private static let plus = UInt8(ascii: "+")
    private static let question = UInt8(ascii: "?")

    static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= 0x30 && b <= 0x39)
    }

    private static func expand(
        _ bytes: [UInt8], _ start: Int, _ end: Int, depth: Int, lookup: (String) -> String?,
        unset: inout [Unset], into out: inout [UInt8]
    ) throws(Failure) {
        if depth > maximumNesting {
            throw Failure(kind: .syntax("interpolations nest deeper than \(maximumNesting) levels"), offset: start)
        }
        var i = start
        while i < end {
            let b = bytes[i]
            guard b == dollar else {
                out.append(b)
                i += 1
                continue
            }
            // As compose: a `$` that starts nothing (`$ x`, `50$`) stays as written.
            guard i + 1 < end else {
                out.append(dollar)
                i += 1
                continue
            }
            let next = bytes[i + 1]
            if next == dollar {
                out.append(dollar)
                i += 2
            } else if isNameStart(next) {
                var j = i + 2
                while j < end, isNameByte(bytes[j]) { j += 1 }
                let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
                if let value = lookup(name) {
                    out.append(contentsOf: value.utf8)
                } else {
                    unset.append(Unset(name: name, offset: i))
                }
                i = j
            } else if next == openBrace {
                i = try braced(bytes, dollarAt: i, end: end, depth: depth, lookup: lookup, unset: &unset, into: &out)
            } else {
                out.append(dollar)
                i += 1
            }
        }
    }

    private enum Operator {
        case defaultIfUnsetOrEmpty, defaultIfUnset
        case requiredNonEmpty, required
        case alternativeIfNonEmpty, alternativeIfSet
    }

    /// Evaluates `${...}` starting at `dollarAt`; returns the index after its closing brace.
    private static func braced(
        _ bytes: [UInt8], dollarAt: Int, end: Int, depth: Int, lookup: (String) -> String?,
        unset: inout [Unset], into out: inout [UInt8]
    ) throws(Failure) -> Int {
        let nameStart = dollarAt + 2
        guard nameStart < end else {
            throw Failure(kind: .syntax("'${' is not closed with '}'"), offset: dollarAt)
        }
        if bytes[nameStart] == closeBrace {
            throw Failure(kind: .syntax("'${}' names no variable"), offset: dollarAt)
        }
        guard isNameStart(bytes[nameStart]) else {
            throw Failure(
                kind: .syntax(
                    "a variable name must start with a letter or '_' (found '\(character(bytes, nameStart))')"),
                offset: dollarAt)
        }
        var j = nameStart + 1
        while j < end, isNameByte(bytes[j]) { j += 1 }
        let name = String(decoding: bytes[nameStart..<j], as: UTF8.self)
        guard j < end else {
            throw Failure(kind: .syntax("'${\(name)' is not closed with '}'"), offset: dollarAt)
        }
        if bytes[j] == closeBrace {
            if let value = lookup(name) {
                out.append(contentsOf: value.utf8)
            } else {
                unset.append(Unset(name: name, offset: dollarAt))
            }
            return j + 1
        }
        let op: Operator
        var argStart = j + 1
        switch bytes[j] {
        case minus: op = .defaultIfUnset
        case question: op = .required
        case plus: op = .alternativeIfSet
        case colon where j + 1 < end && bytes[j + 1] == minus:
            op = .defaultIfUnsetOrEmpty
            argStart = j + 2
        case colon where j + 1 < end && bytes[j + 1] == question:
            op = .requiredNonEmpty
            argStart = j + 2
        case colon where j + 1 < end && bytes[j + 1] == plus:
            op = .alternativeIfNonEmpty
            argStart = j + 2
        default:
            throw Failure(
                kind: .syntax(
                    "unexpected '\(character(bytes, j))' after '${\(name)'; expected '}' or one of :- - :? ? :+ +"),
                offset: dollarAt)
        }
        // Find the matching brace, skipping nested `${...}` and `$$`.
        var k = argStart
        var nesting = 0
        while true {
            guard k < end else {
                throw Failure(kind: .syntax("'${\(name)' is not closed with '}'"), offset: dollarAt)
            }
            let b = bytes[k]
            if b == dollar, k + 1 < end, bytes[k + 1] == dollar {
                k += 2
                continue
            }
            if b == dollar, k + 1 < end, bytes[k + 1] == openBrace {
                nesting += 1
                k += 2
                continue
            }
            if b == closeBrace {
                if nesting == 0 { break }
                nesting -= 1
            }
            k += 1
        }
        let argEnd = k
        let value = lookup(name)
        let isEmpty = value?.isEmpty ?? true
        func argument(_ unset: inout [Unset], _ out: inout [UInt8]) throws(Failure) {
            try expand(bytes, argStart, argEnd, depth: depth + 1, lookup: lookup, unset: &unset, into: &out)
        }
        switch op {
        case .defaultIfUnsetOrEmpty, .defaultIfUnset:
            let useDefault = op == .defaultIfUnset ? value == nil : isEmpty
            if useDefault {
                try argument(&unset, &out)
            } else if let value {
                out.append(contentsOf: value.utf8)
            }
        case .requiredNonEmpty, .required:
            let missing = op == .required ? value == nil : isEmpty
            if missing {
                var message: [UInt8] = []
                var ignored: [Unset] = []
                try argument(&ignored, &message)
                throw Failure(
                    kind: .required(
                        name: name, message: String(decoding: message, as: UTF8.self),
                        emptyCounts: op == .requiredNonEmpty),
                    offset: dollarAt)
            }
            if let value { out.append(contentsOf: value.utf8) }
        case .alternativeIfNonEmpty, .alternativeIfSet:
            let useAlternative = op == .alternativeIfSet ? value != nil : !isEmpty
            if useAlternative { try argument(&unset, &out) }
        }
        return argEnd + 1
    }

    private static func character(_ bytes: [UInt8], _ at: Int) -> String {
        var end = at + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: bytes[at..<end], as: UTF8.self)
    }
}
