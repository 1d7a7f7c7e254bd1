import BerthDiagnostics

/// Where a service's cross-references and checked values were written. The typed
/// `Service` carries no positions (so equal definitions compare equal); graph checks
/// need them to point at the offending line.
struct ServiceSite {
    enum ReferenceKind: String {
        case service, network, volume, config, secret
    }

    struct Reference {
        var kind: ReferenceKind
        var name: String
        var location: SourceLocation
        var path: KeyPath
        /// For `depends_on`: a missing optional dependency is skipped, not an error.
        var required = true
        var isDependency = false
    }

    var nameLocation: SourceLocation
    var path: KeyPath
    var references: [Reference] = []
    /// Parallel to `Service.ports`.
    var ports: [(location: SourceLocation, path: KeyPath)] = []
    var containerName: SourceLocation?
    /// Per network key, where fixed addresses were written.
    var addresses: [String: NetworkAttachment.Sites] = [:]
}
