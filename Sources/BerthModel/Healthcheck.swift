import BerthDiagnostics
import BerthStackFile

/// A container health probe. A string test is run by the shell (`CMD-SHELL`), a list
/// starts with `CMD`, `CMD-SHELL` or `NONE`; `disable: true` and `[NONE]` both turn an
/// image's healthcheck off.
public struct Healthcheck: Hashable, Sendable {
    public enum Test: Hashable, Sendable {
        case exec([String])
        case shell(String)
    }

    public var test: Test?
    public var disabled = false
    public var interval: Duration?
    public var timeout: Duration?
    public var startPeriod: Duration?
    public var startInterval: Duration?
    public var retries: Int?

    static let keys: Set<String> = [
        "test", "disable", "interval", "timeout", "start_period", "start_interval", "retries",
    ]

    static func parse(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> Healthcheck? {
        guard let m = ctx.mapping(node, path) else { return nil }
        let before = ctx.errorCount
        ctx.checkKeys(m, path, allowed: keys, what: "a healthcheck")
        var h = Healthcheck()
        if let t = m["test"], !t.isNull { h.parseTest(t, path.appending("test"), ctx) }
        if let d = m["disable"] { h.disabled = ctx.bool(d, path.appending("disable")) ?? false }
        for (key, slot) in [
            ("interval", \Healthcheck.interval), ("timeout", \.timeout), ("start_period", \.startPeriod),
            ("start_interval", \.startInterval),
        ] {
            guard let v = m[key], !v.isNull else { continue }
            let p = path.appending(key)
            if let d = ctx.parse(v, p, { t throws(ValueError) in try Duration(parsing: t) }) {
                if d.nanoseconds < 0 {
                    ctx.error(
                        "invalid-value", "\(key) cannot be negative", at: v.location, p,
                        hint: "write a positive duration such as '30s'")
                } else {
                    h[keyPath: slot] = d
                }
            }
        }
        if let r = m["retries"], !r.isNull { h.retries = ctx.int(r, path.appending("retries"), min: 0) }
        if h.disabled, h.test != nil {
            ctx.error(
                "conflicting-keys", "the healthcheck sets both 'disable: true' and a 'test'",
                at: m.entry("disable")?.keyLocation, path.appending("disable"),
                hint: "remove 'test' to disable the healthcheck, or 'disable' to keep it")
        }
        return ctx.errorCount == before ? h : nil
    }

    private mutating func parseTest(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) {
        if let s = node.scalar {
            test = .shell(s.text)
            return
        }
        guard let items = ctx.strings(node, path) else { return }
        guard let first = items.first else {
            ctx.error(
                "invalid-value", "the healthcheck test is an empty list", at: node.location, path,
                hint: "start the list with CMD, CMD-SHELL or NONE")
            return
        }
        switch first {
        case "NONE":
            disabled = true
        case "CMD":
            guard items.count > 1 else {
                ctx.error(
                    "invalid-value", "'CMD' needs a command after it", at: node.location, path,
                    hint: "write [CMD, program, arg...]")
                return
            }
            test = .exec(Array(items.dropFirst()))
        case "CMD-SHELL":
            guard items.count == 2 else {
                ctx.error(
                    "invalid-value", "'CMD-SHELL' takes exactly one command string", at: node.location, path,
                    hint: "write [CMD-SHELL, \"curl -f http://localhost || exit 1\"]")
                return
            }
            test = .shell(items[1])
        default:
            ctx.error(
                "invalid-value", "the healthcheck test list starts with '\(first)'", at: node.location, path,
                hint: "start the list with CMD, CMD-SHELL or NONE, or write the test as one string for the shell")
        }
    }

    var canonical: Value {
        var m = ValueMap()
        if disabled {
            m.set("disable", true)
        }
        switch test {
        case .exec(let args): m.set("test", strings: ["CMD"] + args)
        case .shell(let s): m.set("test", strings: ["CMD-SHELL", s])
        case nil: break
        }
        m.set("interval", interval?.description)
        m.set("timeout", timeout?.description)
        m.set("start_period", startPeriod?.description)
        m.set("start_interval", startInterval?.description)
        m.set("retries", retries)
        return m.value
    }
}
