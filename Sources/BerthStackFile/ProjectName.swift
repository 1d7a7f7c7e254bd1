import BerthDiagnostics

/// compose's project-name rules. The name prefixes every container, network and volume,
/// so it must be a safe identifier: lowercase `[a-z0-9_-]`, starting with a letter or digit.
public enum ProjectName {
    /// What compose derives from a directory name: lowercased, other characters dropped,
    /// leading `_`/`-` removed. May return "" (nothing usable left).
    public static func normalise(_ name: String) -> String {
        var out = ""
        for scalar in name.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9", "_", "-": out.unicodeScalars.append(scalar)
            default: continue
            }
        }
        while let first = out.first, first == "_" || first == "-" { out.removeFirst() }
        return out
    }

    /// A name the user chose (`-p`, COMPOSE_PROJECT_NAME, `name:`) must already be valid:
    /// silently renaming it would make resources appear under a name nobody typed.
    static func validateExplicit(
        _ name: String, source: String, at location: SourceLocation?, path: KeyPath?
    ) throws(DiagnosticsError) -> String {
        let normalised = normalise(name)
        if normalised == name, !name.isEmpty { return name }
        let hint =
            normalised.isEmpty
            ? "use lowercase letters, digits, '_' and '-', starting with a letter or digit"
            : "use '\(normalised)' instead"
        throw DiagnosticsError(
            .error(
                "invalid-project-name",
                "invalid project name '\(name)' (from \(source)): it must contain only lowercase letters, digits, "
                    + "'_' and '-', and start with a letter or digit",
                at: location, path: path, hint: hint))
    }
}
