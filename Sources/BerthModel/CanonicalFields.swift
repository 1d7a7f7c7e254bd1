extension Network {
    /// The canonical definition flattened to `path` → text; a change recreates the bridge
    /// and everything attached to it, and the plan names the field.
    public var canonicalFields: [(path: String, value: String)] { canonical.flattened() }
}

extension Volume {
    /// The canonical definition flattened to `path` → text.
    public var canonicalFields: [(path: String, value: String)] { canonical.flattened() }
}
