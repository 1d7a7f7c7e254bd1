import BerthDiagnostics

extension Mapping {
    /// Options mappings (`extends`, `env_file` entries) accept a fixed set of keys; a typo must
    /// stop the load with a suggestion rather than be silently ignored. Throws `unknown-key` for
    /// the first key outside `known`, naming `owner` in the message and offering the closest
    /// known key, or `fallbackHint` when none is close.
    func rejectUnknownOptions(known: [String], of owner: String, at path: KeyPath, fallbackHint: String)
        throws(DiagnosticsError)
    {
        for entry in entries where !known.contains(entry.key) {
            throw DiagnosticsError(
                .error(
                    "unknown-key", "unknown \(owner) option '\(entry.key)'", at: entry.keyLocation,
                    path: path.appending(entry.key),
                    hint: Suggestions.hint(for: entry.key, in: known) ?? fallbackHint))
        }
    }
}
