import BerthDiagnostics
import BerthStackFile

/// One `depends_on` edge, in the map form compose prints.
public struct Dependency: Hashable, Sendable {
    public enum Condition: String, Hashable, Sendable, CaseIterable {
        case started = "service_started"
        case healthy = "service_healthy"
        case completedSuccessfully = "service_completed_successfully"
    }

    public var condition: Condition = .started
    /// Restart this service when the dependency is restarted by a compose operation.
    public var restart = false
    /// When false, a missing or disabled dependency is skipped instead of failing.
    public var required = true

    /// As compose prints it: `restart` only when set.
    var canonical: Value {
        var m: [String: Value] = ["condition": .string(condition.rawValue), "required": .bool(required)]
        if restart { m["restart"] = .bool(true) }
        return .map(m)
    }

    /// Reads list and map form; records each referenced name's location for graph checks.
    static func parse(
        _ node: Node, _ path: KeyPath, _ ctx: ParseContext, reference: (String, SourceLocation, KeyPath) -> Void
    ) -> [String: Dependency]? {
        var out: [String: Dependency] = [:]
        if let items = node.sequence {
            for (i, item) in items.enumerated() {
                let p = path.appending(index: i)
                guard let name = ctx.text(item, p) else { continue }
                if out[name] != nil {
                    ctx.error(
                        "duplicate-value", "'\(name)' is listed twice", at: item.location, p,
                        hint: "remove the repeated entry")
                }
                out[name] = Dependency()
                reference(name, item.location, p)
            }
            return out
        }
        guard let m = node.mapping else {
            ctx.typeError(node, path, expected: "a list of service names or a mapping")
            return nil
        }
        for e in m.entries {
            let p = path.appending(e.key)
            reference(e.key, e.keyLocation, p)
            var d = Dependency()
            if e.value.isNull {
                out[e.key] = d
                continue
            }
            guard let opts = ctx.mapping(e.value, p) else { continue }
            ctx.checkKeys(opts, p, allowed: ["condition", "restart", "required"], what: "a dependency")
            if let c = opts["condition"], let t = ctx.text(c, p.appending("condition")) {
                if let cond = Condition(rawValue: t) {
                    d.condition = cond
                } else {
                    ctx.error(
                        "invalid-value", "unknown condition '\(t)'", at: c.location, p.appending("condition"),
                        hint: Suggestions.hint(for: t, in: Condition.allCases.map(\.rawValue))
                            ?? "use service_started, service_healthy or service_completed_successfully")
                }
            }
            if let r = opts["restart"] { d.restart = ctx.bool(r, p.appending("restart")) ?? false }
            if let r = opts["required"] { d.required = ctx.bool(r, p.appending("required")) ?? true }
            out[e.key] = d
        }
        return out
    }
}
