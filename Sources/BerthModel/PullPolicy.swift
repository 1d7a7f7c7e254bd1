import BerthDiagnostics

/// When to pull a service's image.
public enum PullPolicy: String, Hashable, Sendable {
    case always, missing, never

    init(parsing text: String) throws(ValueError) {
        switch text {
        case "always": self = .always
        case "missing", "if_not_present": self = .missing
        case "never": self = .never
        case "build":
            throw ValueError(
                "pull_policy 'build' needs image builds, which berth does not support",
                hint: "build the image elsewhere and use 'missing' or 'always'")
        default:
            throw ValueError(
                "unknown pull_policy '\(text)'",
                hint: Suggestions.hint(for: text, in: ["always", "missing", "never", "if_not_present"])
                    ?? "use always, missing or never")
        }
    }
}
