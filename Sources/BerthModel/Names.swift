/// A service's key in `services:`. Compose's schema allows letters, digits, `_`, `.` and
/// `-`; the name becomes part of container and DNS names.
public struct ServiceName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let maximumLength = 63
    public var rawValue: String

    public init(parsing text: String) throws(ValueError) {
        guard Names.isKey(text) else {
            throw ValueError(
                "'\(text)' is not a valid service name", hint: "use letters, digits, '_', '.' and '-'")
        }
        // The name is the service's DNS name on its networks, one label of at most 63 bytes.
        guard text.utf8.count <= Self.maximumLength else {
            throw ValueError(
                "service name '\(text.prefix(40))…' has \(text.utf8.count) bytes; berth allows at most "
                    + "\(Self.maximumLength) (it is a DNS name, and a DNS label has at most 63 bytes)",
                hint: "use a shorter service name")
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

/// docker's rule for the names of volumes, networks, containers, secrets and configs:
/// `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. berth turns these names into file and directory names under
/// its root (`volumes/NAME`, `networks/NAME.json`, `containers/NAME`), so the rule is also
/// what keeps a name from leaving the root: it cannot be empty, `.`, `..`, or hold `/` or NUL.
/// The one check shared by the stack file and the `berth volume`/`network` commands.
public enum ResourceName {
    /// A file name has at most 255 bytes (NAME_MAX); the longest file berth names after a
    /// resource is `NAME.dns.lock` (a host network's DNS lock), longer than `NAME.json` and a
    /// container's network namespace file `berth-NAME`.
    public static let maximumLength = 246

    public static func check(_ name: String, kind: String) throws(ValueError) {
        let hint = "use letters, digits, '_', '.' and '-', starting with a letter or digit"
        guard let first = name.unicodeScalars.first, Names.isAlnum(first),
            name.unicodeScalars.allSatisfy({ Names.isAlnum($0) || "_.-".unicodeScalars.contains($0) })
        else {
            throw ValueError("'\(name)' is not a valid \(kind) name", hint: hint)
        }
        guard name.utf8.count <= maximumLength else {
            throw ValueError(
                "\(kind) name '\(name.prefix(40))…' has \(name.utf8.count) bytes; berth allows at most "
                    + "\(maximumLength) (it becomes a file name under berth's root)",
                hint: "use a shorter name")
        }
    }

    public static func isValid(_ name: String) -> Bool {
        do {
            try check(name, kind: "")
            return true
        } catch { return false }
    }
}
