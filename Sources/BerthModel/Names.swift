/// A service's key in `services:`. Compose's schema allows letters, digits, `_`, `.` and
/// `-`; the name becomes part of container and DNS names.
public struct ServiceName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: String

    public init(parsing text: String) throws(ValueError) {
        guard Names.isKey(text) else {
            throw ValueError(
                "'\(text)' is not a valid service name", hint: "use letters, digits, '_', '.' and '-'")
        }
        rawValue = text
    }

    public static func < (lhs: ServiceName, rhs: ServiceName) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}

/// The project name, which prefixes every resource berth creates. Compose's rule:
/// lowercase letters, digits, `_` and `-`, starting with a letter or digit.
public struct ProjectName: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(parsing text: String) throws(ValueError) {
        guard Names.isIdentifier(text, extra: "_-"), text == text.lowercased() else {
            throw ValueError(
                "'\(text)' is not a valid project name",
                hint: "use lowercase letters, digits, '_' and '-', starting with a letter or digit")
        }
        rawValue = text
    }

    public var description: String { rawValue }
}

enum Names {
    /// Compose's pattern for keys of `services`, `networks`, `volumes`, `configs`, `secrets`.
    static func isKey(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { isAlnum($0) || "_.-".unicodeScalars.contains($0) }
    }

    static func isIdentifier(_ text: String, extra: String) -> Bool {
        guard let first = text.unicodeScalars.first, isAlnum(first) else { return false }
        return text.unicodeScalars.allSatisfy { isAlnum($0) || extra.unicodeScalars.contains($0) }
    }

    static func isAlnum(_ u: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u)
    }
}
