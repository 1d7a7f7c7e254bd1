import BerthDiagnostics

/// Reads YAML text into positioned `Node`s. Aliases are expanded here (with a budget, so
/// an alias bomb is refused quickly instead of eating memory) and `<<` merge keys are
/// applied, so no later stage ever sees anchors.
public enum YAMLReader {
    /// Largest stack file accepted; compose files are kilobytes, a 5,000-service stack a few MB.
    public static let maximumFileSize = 32 << 20
    /// Upper bound on nodes after alias expansion. Realistic files stay far below it;
    /// "billion laughs" documents exceed it after a few milliseconds.
    public static let maximumExpandedNodes = 2_000_000

    public static func parse(_ text: String, file: String) throws(DiagnosticsError) -> Node? {
        let start = SourceLocation(file: file, line: 1, column: 1)
        if text.utf8.count > maximumFileSize {
            throw DiagnosticsError(
                .error(
                    "file-too-large",
                    "the file is \(text.utf8.count) bytes, more than the \(maximumFileSize) bytes berth reads",
                    at: start, hint: "stack files are small text files; check that this is the file you meant"))
        }
        if text.utf8.contains(0) {
            throw DiagnosticsError(
                .error("not-text", "the file contains NUL bytes and is not YAML text", at: start))
        }
        if text.isEmpty { return nil }
        var text = text
        // libyaml reads the string's own UTF-8 storage in place: no copy of the file.
        let result = text.withUTF8 { bytes -> Result<Node?, DiagnosticsError> in
            do throws(DiagnosticsError) {
                let stream = try YAMLEventStream(bytes: bytes, file: file)
                var builder = YAMLTreeBuilder(file: file)
                return .success(try builder.build(from: stream))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
