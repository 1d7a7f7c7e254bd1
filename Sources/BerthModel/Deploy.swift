import BerthDiagnostics
import BerthStackFile

/// The parts of `deploy:` that apply to one machine: resources, restart and update
/// behaviour. `replicas` is folded into the service's scale.
public struct Deploy: Hashable, Sendable {
    public struct Limits: Hashable, Sendable {
        public var cpus: CPUCount?
        public var memory: ByteCount?
        public var pids: Int?
    }

    public struct RestartPolicy: Hashable, Sendable {
        public enum Condition: String, Hashable, Sendable, CaseIterable {
            case none, onFailure = "on-failure", any
        }
        public var condition: Condition?
        public var delay: Duration?
        public var maxAttempts: Int?
        public var window: Duration?
    }

    public struct UpdateConfig: Hashable, Sendable {
        public enum FailureAction: String, Hashable, Sendable, CaseIterable { case `continue`, rollback, pause }
        public enum Order: String, Hashable, Sendable, CaseIterable {
            case stopFirst = "stop-first"
            case startFirst = "start-first"
        }
        public var parallelism: Int?
        public var delay: Duration?
        public var failureAction: FailureAction?
        public var monitor: Duration?
        /// Kept as text so the canonical output is exact.
        public var maxFailureRatio: String?
        public var order: Order?
    }

    public var replicas: Int?
    public var limits: Limits?
    public var reservations: Limits?
    public var restartPolicy: RestartPolicy?
    public var updateConfig: UpdateConfig?
    public var rollbackConfig: UpdateConfig?

    var isEmpty: Bool {
        limits == nil && reservations == nil && restartPolicy == nil && updateConfig == nil && rollbackConfig == nil
    }

    private static let swarmOnly = "it configures swarm scheduling, which berth has no use for on one machine"

    static func parse(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> Deploy? {
        guard let m = ctx.mapping(node, path) else { return nil }
        ctx.checkKeys(
            m, path, allowed: ["mode", "replicas", "resources", "restart_policy", "update_config", "rollback_config"],
            unsupported: [
                "placement": swarmOnly, "endpoint_mode": swarmOnly, "labels": "use the service's 'labels' instead",
            ], what: "deploy")
        var d = Deploy()
        if let v = m["mode"], let t = ctx.text(v, path.appending("mode")), t != "replicated" {
            if t == "global" {
                ctx.error(
                    "unsupported-value", "berth does not support deploy mode 'global'", at: v.location,
                    path.appending("mode"), hint: "on one machine, 'global' means one replica; remove 'mode'")
            } else {
                ctx.error(
                    "invalid-value", "unknown deploy mode '\(t)'", at: v.location, path.appending("mode"),
                    hint: "use 'replicated'")
            }
        }
        if let v = m["replicas"], !v.isNull { d.replicas = ctx.int(v, path.appending("replicas"), min: 0) }
        if let v = m["resources"], !v.isNull, let r = ctx.mapping(v, path.appending("resources")) {
            let p = path.appending("resources")
            ctx.checkKeys(r, p, allowed: ["limits", "reservations"], what: "deploy resources")
            if let l = r["limits"], !l.isNull { d.limits = parseLimits(l, p.appending("limits"), ctx, pids: true) }
            if let l = r["reservations"], !l.isNull {
                d.reservations = parseLimits(l, p.appending("reservations"), ctx, pids: false)
            }
        }
        if let v = m["restart_policy"], !v.isNull {
            d.restartPolicy = parseRestart(v, path.appending("restart_policy"), ctx)
        }
        if let v = m["update_config"], !v.isNull {
            d.updateConfig = parseUpdate(v, path.appending("update_config"), ctx)
        }
        if let v = m["rollback_config"], !v.isNull {
            d.rollbackConfig = parseUpdate(v, path.appending("rollback_config"), ctx)
        }
        return d
    }

    private static func duration(_ m: Mapping, _ key: String, _ path: KeyPath, _ ctx: ParseContext) -> Duration? {
        guard let v = m[key], !v.isNull else { return nil }
        return ctx.parse(v, path.appending(key)) { t throws(ValueError) in try Duration(parsing: t) }
    }

    private static func parseLimits(_ node: Node, _ path: KeyPath, _ ctx: ParseContext, pids: Bool) -> Limits? {
        guard let m = ctx.mapping(node, path) else { return nil }
        ctx.checkKeys(
            m, path, allowed: pids ? ["cpus", "memory", "pids"] : ["cpus", "memory"],
            unsupported: [
                "devices": "device reservations (GPUs) are not implemented",
                "generic_resources": "generic resources are a swarm feature",
            ], what: "resource \(pids ? "limits" : "reservations")")
        var l = Limits()
        // Reservations are only recorded; limits reach the kernel, so they get docker's checks.
        if let v = m["cpus"], !v.isNull {
            l.cpus = ctx.parse(v, path.appending("cpus")) { t throws(ValueError) in
                pids ? try ResourceLimits.parseCPUs(t) : try CPUCount(parsing: t)
            }
        }
        if let v = m["memory"], !v.isNull {
            l.memory = ctx.parse(v, path.appending("memory")) { t throws(ValueError) in
                pids ? try ResourceLimits.parseMemory(t) : try ByteCount(parsing: t)
            }
        }
        if let v = m["pids"], !v.isNull { l.pids = ctx.int(v, path.appending("pids"), min: -1) }
        return l
    }

    private static func parseRestart(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> RestartPolicy? {
        guard let m = ctx.mapping(node, path) else { return nil }
        ctx.checkKeys(m, path, allowed: ["condition", "delay", "max_attempts", "window"], what: "a restart policy")
        var r = RestartPolicy()
        if let v = m["condition"], let t = ctx.text(v, path.appending("condition")) {
            r.condition = RestartPolicy.Condition(rawValue: t)
            if r.condition == nil {
                ctx.error(
                    "invalid-value", "unknown restart condition '\(t)'", at: v.location, path.appending("condition"),
                    hint: "use none, on-failure or any")
            }
        }
        r.delay = duration(m, "delay", path, ctx)
        if let v = m["max_attempts"], !v.isNull { r.maxAttempts = ctx.int(v, path.appending("max_attempts"), min: 0) }
        r.window = duration(m, "window", path, ctx)
        return r
    }

    private static func parseUpdate(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> UpdateConfig? {
        guard let m = ctx.mapping(node, path) else { return nil }
        ctx.checkKeys(
            m, path, allowed: ["parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order"],
            what: "an update config")
        var u = UpdateConfig()
        if let v = m["parallelism"], !v.isNull { u.parallelism = ctx.int(v, path.appending("parallelism"), min: 0) }
        u.delay = duration(m, "delay", path, ctx)
        u.monitor = duration(m, "monitor", path, ctx)
        if let v = m["failure_action"], let t = ctx.text(v, path.appending("failure_action")) {
            u.failureAction = UpdateConfig.FailureAction(rawValue: t)
            if u.failureAction == nil {
                ctx.error(
                    "invalid-value", "unknown failure action '\(t)'", at: v.location,
                    path.appending("failure_action"), hint: "use continue, rollback or pause")
            }
        }
        if let v = m["order"], let t = ctx.text(v, path.appending("order")) {
            u.order = UpdateConfig.Order(rawValue: t)
            if u.order == nil {
                ctx.error(
                    "invalid-value", "unknown update order '\(t)'", at: v.location, path.appending("order"),
                    hint: "use stop-first or start-first")
            }
        }
        if let v = m["max_failure_ratio"], let t = ctx.text(v, path.appending("max_failure_ratio")) {
            if let r = Double(t), r >= 0, r <= 1 {
                u.maxFailureRatio = String(r)
            } else {
                ctx.error(
                    "invalid-value", "max_failure_ratio must be a number between 0 and 1, not '\(t)'",
                    at: v.location, path.appending("max_failure_ratio"), hint: "write a fraction such as 0.1")
            }
        }
        return u
    }

    var canonical: Value {
        var m = ValueMap()
        func limitsValue(_ l: Limits) -> Value {
            var v = ValueMap()
            v.set("cpus", l.cpus?.canonical)
            v.set("memory", l.memory?.canonical)
            v.set("pids", l.pids)
            return v.value
        }
        var resources = ValueMap()
        resources.set("limits", limits.map(limitsValue))
        resources.set("reservations", reservations.map(limitsValue))
        if !resources.entries.isEmpty { m.set("resources", resources.value) }
        if let r = restartPolicy {
            var v = ValueMap()
            v.set("condition", r.condition?.rawValue)
            v.set("delay", r.delay?.description)
            v.set("max_attempts", r.maxAttempts)
            v.set("window", r.window?.description)
            m.set("restart_policy", v.value)
        }
        func update(_ u: UpdateConfig) -> Value {
            var v = ValueMap()
            v.set("parallelism", u.parallelism)
            v.set("delay", u.delay?.description)
            v.set("failure_action", u.failureAction?.rawValue)
            v.set("monitor", u.monitor?.description)
            v.set("max_failure_ratio", u.maxFailureRatio.map(Value.number))
            v.set("order", u.order?.rawValue)
            return v.value
        }
        m.set("update_config", updateConfig.map(update))
        m.set("rollback_config", rollbackConfig.map(update))
        return m.value
    }
}
