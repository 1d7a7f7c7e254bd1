import BerthDiagnostics

/// Whose namespace a container shares: for `network_mode`, `pid` and `ipc`.
public enum NamespaceMode: Hashable, Sendable, CustomStringConvertible {
    /// The host's own namespace.
    case host
    /// No network at all (`network_mode: none`), or a private namespace (`ipc: none`).
    case none
    /// `ipc: private`: a namespace nobody else can join.
    case `private`
    /// `ipc: shareable`: a namespace others may join with `service:`/`container:`.
    case shareable
    /// The namespace of another service of the stack.
    case service(String)
    /// The namespace of a container by name or id.
    case container(String)

    enum Kind: String {
        case network = "network_mode"
        case pid
        case ipc
    }

    init(parsing text: String, kind: Kind) throws(ValueError) {
        let allowed: [String]
        switch kind {
        case .network: allowed = ["host", "none", "service:NAME", "container:NAME"]
        case .pid: allowed = ["host", "service:NAME", "container:NAME"]
        case .ipc: allowed = ["host", "none", "private", "shareable", "service:NAME", "container:NAME"]
        }
        if text.hasPrefix("service:") || text.hasPrefix("container:") {
            let isService = text.hasPrefix("service:")
            let name = String(text.drop(while: { $0 != ":" }).dropFirst())
            guard !name.isEmpty else { throw ValueError("'\(text)' needs a name after ':'") }
            self = isService ? .service(name) : .container(name)
            return
        }
        switch (text, kind) {
        case ("host", _): self = .host
        case ("none", .network), ("none", .ipc): self = .none
        case ("private", .ipc): self = .private
        case ("shareable", .ipc): self = .shareable
        case ("bridge", .network), ("default", .network):
            throw ValueError(
                "network_mode '\(text)' names docker's built-in bridge, which berth does not have",
                hint:
                    "remove network_mode; services join the stack's 'default' network unless 'networks:' says otherwise"
            )
        default:
            throw ValueError(
                "'\(text)' is not a valid \(kind.rawValue)",
                hint: "use " + allowed.joined(separator: ", "))
        }
    }

    public var description: String {
        switch self {
        case .host: return "host"
        case .none: return "none"
        case .private: return "private"
        case .shareable: return "shareable"
        case .service(let n): return "service:\(n)"
        case .container(let n): return "container:\(n)"
        }
    }

    var referencedService: String? {
        if case .service(let n) = self { return n }
        return nil
    }
}
