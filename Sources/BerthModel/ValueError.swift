/// Why a text is not a valid value of some type. Diagnostics add the location and key
/// path, so value parsers stay pure functions of their text (and the CLI can reuse them
/// for flags such as `--timeout`).
public struct ValueError: Error, Equatable, Sendable {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}
