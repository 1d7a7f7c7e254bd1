import BerthDiagnostics

#if canImport(Glibc)
    import Glibc
#endif

/// Reads YAML text into positioned `Node`s. Aliases are expanded here (with a budget, so
/// an alias bomb is refused quickly instead of eating memory) and `<<` merge keys are
/// applied, so no later stage ever sees anchors.
public enum YAMLReader {
    /// Largest stack file accepted; compose files are kilobytes, a 5,000-service stack a few MB.
    public static let maximumFileSize = 32 << 20
    /// Upper bound on nodes after alias expansion. Realistic files stay far below it;
    /// "billion laughs" documents exceed it after a few milliseconds.
    public static let maximumExpandedNodes = 2_000_000

    /// The file's only document (nil when it holds none); several documents are refused here,
    /// for callers that read one value. Compose files go through `parseDocuments`.
    public static func parse(_ text: String, file: String) throws(DiagnosticsError) -> Node? {
        let documents = try parseDocuments(text, file: file)
        if documents.count > 1 {
            throw DiagnosticsError(
                .error(
                    "invalid-yaml", "invalid YAML: the file holds more than one document", at: documents[1].location,
                    hint: "this file is read as one YAML document; remove the '---' line or split the file"))
        }
        return documents.first
    }

    /// Every document of the file, in order.
    public static func parseDocuments(_ text: String, file: String) throws(DiagnosticsError) -> [Node] {
        var text = text
        // libyaml reads the string's own UTF-8 storage in place: no copy of the file.
        let result = text.withUTF8 { bytes -> Result<[Node], DiagnosticsError> in
            do throws(DiagnosticsError) {
                return .success(try parse(bytes, file: file))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws(DiagnosticsError) -> [Node] {
        let start = SourceLocation(file: file, line: 1, column: 1)
        if bytes.count > maximumFileSize {
            throw DiagnosticsError(
                .error(
                    "file-too-large",
                    "the file is \(bytes.count) bytes, more than the \(maximumFileSize) bytes berth reads",
                    at: start, hint: "stack files are small text files; check that this is the file you meant"))
        }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
        if memchr(base, 0, bytes.count) != nil {
            throw DiagnosticsError(
                .error("not-text", "the file contains NUL bytes and is not YAML text", at: start))
        }
        let stream = try YAMLEventStream(bytes: bytes, file: file)
        var builder = YAMLTreeBuilder()
        return try builder.build(from: stream)
    }
}
