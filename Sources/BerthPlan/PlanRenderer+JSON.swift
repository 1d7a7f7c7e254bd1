import BerthEncoding

extension PlanRenderer {
    /// One JSON object on one line, keys sorted, for scripts and `--format json`. Every
    /// action is listed, unchanged ones included, so a script sees the whole stack.
    public static func json(_ plan: Plan) -> String {
        let s = plan.summary
        var root: [String: JSONValue] = [
            "kind": .string(plan.kind.rawValue),
            "project": .string(plan.project),
            "actions": .array(plan.actions.map(json)),
            "drift": .array(plan.drift.map(json)),
            "orphans": .array(plan.orphans.map(JSONValue.string)),
            "problems": .array(plan.problems.map { .object(["message": .string($0.description)]) }),
            "summary": .object([
                "create": .integer(Int64(s.create)), "recreate": .integer(Int64(s.recreate)),
                "start": .integer(Int64(s.start)),
                "restart": .integer(Int64(s.restart)), "scale": .integer(Int64(s.scale)),
                "remove": .integer(Int64(s.remove)),
                "unchanged": .integer(Int64(s.unchanged)),
            ]),
            "changes": .bool(plan.hasChanges),
        ]
        if let log = plan.networkDaemonDown {
            root["networkDaemon"] = .object(["running": .bool(false), "log": .string(log)])
        }
        return JSONValue.object(root).serialized
    }

    private static func json(_ resource: Resource) -> JSONValue {
        .object(["kind": .string(resource.kind.rawValue), "name": .string(resource.name)])
    }

    private static func json(_ action: Action) -> JSONValue {
        var o: [String: JSONValue] = [
            "resource": json(action.resource),
            "change": .string(action.change.rawValue),
            "replicas": .array(
                action.replicas.map { r in
                    var ro: [String: JSONValue] = [
                        "number": .integer(Int64(r.number)), "container": .string(r.container),
                    ]
                    if let previous = r.previous { ro["previous"] = .string(previous) }
                    return .object(ro)
                }),
            "reasons": .array(action.reasons.map(json)),
            "after": .array(action.after.map { .integer(Int64($0)) }),
        ]
        if let order = action.updateOrder { o["updateOrder"] = .string(order.rawValue) }
        return .object(o)
    }

    private static func json(_ reason: Reason) -> JSONValue {
        switch reason {
        case .changed(let path, let from, let to):
            return .object(["kind": "changed", "path": .string(path), "from": .string(from), "to": .string(to)])
        case .added(let path, let value):
            return .object(["kind": "added", "path": .string(path), "value": .string(value)])
        case .removed(let path, let value):
            return .object(["kind": "removed", "path": .string(path), "value": .string(value)])
        case .contentChanged(let what): return .object(["kind": "contentChanged", "what": .string(what)])
        case .imageDigestChanged(let tag): return .object(["kind": "imageDigestChanged", "tag": .string(tag)])
        case .networkRecreated(let name): return .object(["kind": "networkRecreated", "name": .string(name)])
        case .volumeRecreated(let name): return .object(["kind": "volumeRecreated", "name": .string(name)])
        case .dependencyRecreated(let name): return .object(["kind": "dependencyRecreated", "service": .string(name)])
        case .forced: return .object(["kind": "forced"])
        case .drift(let item): return .object(["kind": "drift", "drift": json(item)])
        case .stopped(let container): return .object(["kind": "stopped", "container": .string(container)])
        case .notStarted(let container): return .object(["kind": "notStarted", "container": .string(container)])
        case .completed(let container): return .object(["kind": "completed", "container": .string(container)])
        case .scaled(let from, let to):
            return .object(["kind": "scaled", "from": .integer(Int64(from)), "to": .integer(Int64(to))])
        case .orphan: return .object(["kind": "orphan"])
        case .dataLoss: return .object(["kind": "dataLoss"])
        }
    }

    private static func json(_ item: DriftItem) -> JSONValue {
        var o: [String: JSONValue] = ["resource": json(item.resource)]
        if let container = item.container { o["container"] = .string(container) }
        switch item.kind {
        case .containerExited(let code):
            o["kind"] = "containerExited"
            o["exitCode"] = .integer(Int64(Int(code)))
        case .containerDead: o["kind"] = "containerDead"
        case .supervisorMissing: o["kind"] = "supervisorMissing"
        case .bridgeMissing: o["kind"] = "bridgeMissing"
        case .volumeMissing: o["kind"] = "volumeMissing"
        }
        return .object(o)
    }
}
