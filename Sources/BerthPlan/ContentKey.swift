/// Something whose bytes matter to a container but are not in its definition text: the
/// image behind a tag, an env_file, a config or secret file. The model records a digest per
/// key; a changed digest means the container must be recreated even if no field changed.
public struct ContentKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The image digest a tag resolved to; `name` is the tag.
        case image
        case envFile = "env_file"
        case config
        case secret
    }

    public var kind: Kind
    /// The tag, path or config/secret name, as the user wrote it.
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `env_file .env.web`, `image busybox:1.36`: how a person refers to it.
    public var description: String { "\(kind.rawValue) \(name)" }

    /// A stable text form (`env_file:.env.web`) for a runtime that stores the digests it
    /// recorded at creation.
    public var storageKey: String { "\(kind.rawValue):\(name)" }

    /// Parses `storageKey`; nil when the text is not one.
    public init?(storageKey: String) {
        guard let colon = storageKey.firstIndex(of: ":"),
            let kind = Kind(rawValue: String(storageKey[..<colon]))
        else { return nil }
        self.kind = kind
        self.name = String(storageKey[storageKey.index(after: colon)...])
    }

    public static func < (lhs: ContentKey, rhs: ContentKey) -> Bool {
        (lhs.kind.rawValue, lhs.name) < (rhs.kind.rawValue, rhs.name)
    }

    /// Reasons for content that changed under the same key. Keys present on only one side
    /// are not reported: a new env_file or tag already shows up as a changed definition field.
    static func differences(desired: [ContentKey: String], recorded: [ContentKey: String]) -> [Reason] {
        if desired == recorded { return [] }
        var reasons: [Reason] = []
        for key in desired.keys.sorted() {
            guard let old = recorded[key], let new = desired[key], old != new else { continue }
            switch key.kind {
            case .image: reasons.append(.imageDigestChanged(tag: key.name))
            default: reasons.append(.contentChanged(what: key.description))
            }
        }
        return reasons
    }
}
