import BerthDiagnostics
import BerthStackFile

extension ParseContext {
    /// `external: true|false`, or the older `external: {name: X}` that compose still reads
    /// (with a deprecation warning) as `external: true` plus `name: X`. A `name:` beside it
    /// that differs is a conflict, as in compose-go.
    func external(_ mapping: Mapping, _ path: KeyPath, what: String) -> (external: Bool, name: String?) {
        guard let node = mapping["external"], !node.isNull else { return (false, nil) }
        let p = path.appending("external")
        guard let inner = node.mapping else { return (bool(node, p) ?? false, nil) }
        checkKeys(inner, p, allowed: ["name"], what: "'external' of \(what)")
        guard let nameNode = inner["name"], !nameNode.isNull else { return (true, nil) }
        guard let name = text(nameNode, p.appending("name")) else { return (true, nil) }
        warning(
            "deprecated-key", "external.name is deprecated; set 'name' and 'external: true'", at: node.location, p,
            hint: "write 'external: true' and 'name: \(name)'")
        if let other = mapping["name"], !other.isNull, let written = other.string, written != name {
            error(
                "conflicting-keys", "\(what) sets 'name' (\(written)) and 'external.name' (\(name))",
                at: nameNode.location, p.appending("name"), hint: "keep only 'name' with 'external: true'")
        }
        return (true, name)
    }
}
