import BerthDiagnostics

/// One `security_opt` entry berth can honour. AppArmor and SELinux labels are refused:
/// berth does not load LSM profiles.
public enum SecurityOption: Hashable, Sendable, CustomStringConvertible {
    case noNewPrivileges(Bool)
    case seccompUnconfined
    /// An absolute path to a seccomp profile (JSON) on the host.
    case seccompProfile(String)

    init(parsing text: String, projectDirectory: String) throws(ValueError) {
        let sep = text.firstIndex(where: { $0 == "=" || $0 == ":" })
        let key = sep.map { String(text[..<$0]) } ?? text
        let value = sep.map { String(text[text.index(after: $0)...]) }
        switch key {
        case "no-new-privileges":
            switch value {
            case nil, "true": self = .noNewPrivileges(true)
            case "false": self = .noNewPrivileges(false)
            default:
                throw ValueError("'\(text)' takes true or false", hint: "write no-new-privileges:true")
            }
        case "seccomp":
            guard let value, !value.isEmpty else {
                throw ValueError("'seccomp' needs a value", hint: "write seccomp=unconfined or seccomp=PROFILE.json")
            }
            if value == "unconfined" {
                self = .seccompUnconfined
            } else {
                self = .seccompProfile(try HostPath.resolve(value, in: projectDirectory, home: nil))
            }
        case "apparmor", "label":
            throw ValueError(
                "security option '\(key)' is not supported: berth does not apply \(key == "label" ? "SELinux labels" : "AppArmor profiles")",
                hint: "remove '\(text)'")
        default:
            throw ValueError(
                "unknown security option '\(text)'",
                hint: Suggestions.hint(for: key, in: ["no-new-privileges", "seccomp", "apparmor", "label"])
                    ?? "berth accepts no-new-privileges[:true|false] and seccomp=unconfined|FILE")
        }
    }

    public var description: String {
        switch self {
        case .noNewPrivileges(let on): return "no-new-privileges:\(on)"
        case .seccompUnconfined: return "seccomp=unconfined"
        case .seccompProfile(let path): return "seccomp=\(path)"
        }
    }
}
