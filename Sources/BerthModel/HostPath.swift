import BerthDiagnostics
import BerthStackFile

/// Host paths in the model are absolute and normalised, so the same directory written
/// two ways (`./data`, `data/`, `/proj/data`) is one value and hashes the same.
enum HostPath {
    static func resolve(_ path: String, in directory: String, home: String?) throws(ValueError) -> String {
        var p = path
        if p == "~" || p.hasPrefix("~/") {
            guard let home, home.hasPrefix("/") else {
                throw ValueError(
                    "cannot expand '~' in '\(path)': HOME is not set", hint: "write the absolute path instead")
            }
            p = home + p.dropFirst()
        } else if p.hasPrefix("~") {
            throw ValueError("'\(path)' names another user's home directory", hint: "write the absolute path instead")
        }
        if !p.hasPrefix("/") { p = directory + "/" + p }
        return normalize(p)
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/") {
            if c == "." || c.isEmpty { continue }
            if c == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }
}

/// An octal permission mode (`0444`, `"0o440"`, or a decimal number as compose stores it).
/// Printed as a quoted octal string so it reads back as the same mode.
enum FileMode {
    static func parse(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> UInt32? {
        guard let text = ctx.text(node, path) else { return nil }
        var digits = Substring(text)
        var radix = 10
        if digits.hasPrefix("0o") || digits.hasPrefix("0O") {
            digits = digits.dropFirst(2)
            radix = 8
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
        }
        guard let v = UInt32(digits, radix: radix), v <= 0o7777 else {
            ctx.error(
                "invalid-value", "'\(text)' is not a file mode", at: node.location, path,
                hint: "write an octal mode such as 0444 or 0640")
            return nil
        }
        return v
    }

    static func canonical(_ mode: UInt32) -> Value {
        let octal = String(mode, radix: 8)
        return .string(String(repeating: "0", count: max(1, 4 - octal.count)) + octal)
    }
}
