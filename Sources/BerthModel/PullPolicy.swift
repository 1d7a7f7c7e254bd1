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
        case "daily", "weekly", "refresh":
            throw Self.timed(text)
        case let every where every.hasPrefix("every_"):
            throw Self.timed(text)
        default:
            throw ValueError(
                "unknown pull_policy '\(text)'",
                hint: Suggestions.hint(for: text, in: ["always", "missing", "never", "if_not_present"])
                    ?? "use always, missing or never")
        }
    }

    /// Time-based policies pull when the local copy is older than a period; berth's image
    /// store does not record when an image was pulled, so it cannot tell, and says so.
    private static func timed(_ text: String) -> ValueError {
        ValueError(
            "pull_policy '\(text)' is a compose policy berth does not support yet: it needs the time each image was pulled, which berth's image store does not record",
            hint: "use 'always' to pull on every up, or 'missing' and run 'berth pull' when you want a refresh")
    }
}
