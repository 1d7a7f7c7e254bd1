import BerthDiagnostics

/// What a node's explicit tag means to berth. Only YAML's own tags and the compose-spec's
/// merge tags are accepted; any other tag is refused rather than silently dropped.
enum YAMLTag {
    /// `!!str`: the scalar is text even when written plain.
    case string
    /// Another standard tag (`!!int`, `!!map`, the non-specific `!`): berth types values itself.
    case standard
    case merge(Node.MergeTag)

    init(_ name: String, at location: SourceLocation) throws(DiagnosticsError) {
        if name == "tag:yaml.org,2002:str" {
            self = .string
        } else if name.isEmpty || name == "!" || name.hasPrefix("tag:yaml.org,2002:") {
            self = .standard
        } else if let known = Node.MergeTag(rawValue: name) {
            self = .merge(known)
        } else {
            throw DiagnosticsError(
                .error(
                    "unknown-tag", "unsupported YAML tag '\(name)'", at: location,
                    hint: "compose files support only the !reset and !override tags"))
        }
    }
}
