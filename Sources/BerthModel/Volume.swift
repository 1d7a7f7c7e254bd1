import BerthDiagnostics
import BerthStackFile

/// A top-level named volume. berth implements the `local` driver only.
public struct Volume: Hashable, Sendable {
    public var key: String
    /// `PROJECT_KEY` unless `name:`; an external volume's own name.
    public var name: String
    public var external = false
    public var driverOptions: [String: String] = [:]
    public var labels: [String: String] = [:]
    public var extensions: [String: Value] = [:]

    static func parse(key: String, node: Node, project: String, _ ctx: ParseContext) -> Volume? {
        let path = KeyPath(keys: "volumes", key)
        var v = Volume(key: key, name: "\(project)_\(key)")
        if node.isNull { return v }
        guard let m = ctx.mapping(node, path) else { return nil }
        let before = ctx.errorCount
        ctx.checkKeys(
            m, path, allowed: ["driver", "driver_opts", "external", "name", "labels"], what: "volume '\(key)'")
        if let d = m["driver"], !d.isNull, let t = ctx.text(d, path.appending("driver")), t != "local" {
            ctx.error(
                "unsupported-value", "berth supports only the 'local' volume driver, not '\(t)'", at: d.location,
                path.appending("driver"), hint: "remove 'driver'")
        }
        if let o = m["driver_opts"], !o.isNull {
            v.driverOptions = ctx.stringMap(o, path.appending("driver_opts"), listAllowed: false) ?? [:]
        }
        let external = ctx.external(m, path, what: "volume '\(key)'")
        v.external = external.external
        if let t = external.name {
            v.name = t
        } else if let n = m["name"], !n.isNull, let t = ctx.text(n, path.appending("name")) {
            v.name = t
        } else if v.external {
            v.name = key
        }
        if let l = m["labels"], !l.isNull { v.labels = ctx.stringMap(l, path.appending("labels")) ?? [:] }
        v.extensions = ctx.extensions(m)
        if v.external {
            for e in m.entries where !["external", "name"].contains(e.key) && !e.key.hasPrefix("x-") {
                ctx.error(
                    "conflicting-keys", "external volume '\(key)' cannot also set '\(e.key)'", at: e.keyLocation,
                    path.appending(e.key), hint: "an external volume is created outside the stack; remove '\(e.key)'")
            }
        }
        return ctx.errorCount == before ? v : nil
    }

    var canonical: Value {
        var m = ValueMap()
        m.set("name", name)
        if external { m.set("external", true) }
        if !driverOptions.isEmpty { m.set("driver_opts", stringMap: driverOptions) }
        if !labels.isEmpty { m.set("labels", stringMap: labels) }
        for (k, v) in extensions { m.set(k, v) }
        return m.value
    }
}
