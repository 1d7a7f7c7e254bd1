import BerthDiagnostics

/// What to do when a container exits: `no`, `always`, `on-failure[:N]`, `unless-stopped`.
public enum RestartPolicy: Hashable, Sendable, CustomStringConvertible {
    case no
    case always
    case onFailure(maximumRetries: Int?)
    case unlessStopped

    init(parsing text: String) throws(ValueError) {
        switch text {
        // compose-go reads an empty policy as "no".
        case "no", "none", "": self = .no
        case "always": self = .always
        case "unless-stopped": self = .unlessStopped
        case "on-failure": self = .onFailure(maximumRetries: nil)
        default:
            if text.hasPrefix("on-failure:") {
                guard let n = Int(text.dropFirst("on-failure:".count)), n >= 0 else {
                    throw ValueError(
                        "'\(text)' has an invalid retry count", hint: "write on-failure:N with N a whole number")
                }
                self = .onFailure(maximumRetries: n)
                return
            }
            throw ValueError(
                "unknown restart policy '\(text)'",
                hint: Suggestions.hint(for: text, in: ["no", "always", "on-failure", "unless-stopped"])
                    ?? "use no, always, on-failure[:N] or unless-stopped")
        }
    }

    public var description: String {
        switch self {
        case .no: return "no"
        case .always: return "always"
        case .unlessStopped: return "unless-stopped"
        case .onFailure(let n): return n.map { "on-failure:\($0)" } ?? "on-failure"
        }
    }
}
