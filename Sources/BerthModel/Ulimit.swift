import BerthDiagnostics
import BerthStackFile

/// A resource limit: one number for both soft and hard, or both given separately.
public struct Ulimit: Hashable, Sendable {
    public var soft: Int
    public var hard: Int
    /// Whether it was written as one number, kept so output stays in the user's form.
    public var single: Bool

    static let names: Set<String> = [
        "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio",
        "rttime", "sigpending", "stack", "as",
    ]

    static func parseAll(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> [String: Ulimit]? {
        guard let m = ctx.mapping(node, path) else { return nil }
        var out: [String: Ulimit] = [:]
        for e in m.entries {
            let p = path.appending(e.key)
            guard names.contains(e.key) else {
                ctx.error(
                    "invalid-value", "unknown ulimit '\(e.key)'", at: e.keyLocation, p,
                    hint: Suggestions.hint(for: e.key, in: names.sorted())
                        ?? "ulimits are named like setrlimit's resources: nofile, nproc, core, ...")
                continue
            }
            if e.value.scalar != nil {
                if let v = ctx.int(e.value, p, min: -1), finite(e.key, v, at: e.value.location, p, ctx) {
                    out[e.key] = Ulimit(soft: v, hard: v, single: true)
                }
                continue
            }
            guard let lim = ctx.mapping(e.value, p) else { continue }
            ctx.checkKeys(lim, p, allowed: ["soft", "hard"], what: "a ulimit")
            guard let sn = lim["soft"], let hn = lim["hard"] else {
                ctx.error(
                    "missing-key", "ulimit '\(e.key)' needs both 'soft' and 'hard'", at: e.value.location, p,
                    hint: "write a single number, or both soft and hard")
                continue
            }
            guard let s = ctx.int(sn, p.appending("soft"), min: -1), let h = ctx.int(hn, p.appending("hard"), min: -1),
                finite(e.key, s, at: sn.location, p.appending("soft"), ctx),
                finite(e.key, h, at: hn.location, p.appending("hard"), ctx)
            else { continue }
            if h != -1, s == -1 || s > h {
                ctx.error(
                    "invalid-value", "ulimit '\(e.key)' has soft limit \(s) above hard limit \(h)", at: sn.location,
                    p.appending("soft"), hint: "the soft limit must not exceed the hard limit")
                continue
            }
            out[e.key] = Ulimit(soft: s, hard: h, single: false)
        }
        return out
    }

    /// -1 means unlimited (RLIM_INFINITY), except for `nofile`: the kernel refuses an
    /// unlimited open-file count (setrlimit fails with EPERM above fs.nr_open), so it is
    /// refused here, where the user can see where it was written.
    private static func finite(_ name: String, _ value: Int, at: SourceLocation, _ p: KeyPath, _ ctx: ParseContext)
        -> Bool
    {
        guard name == "nofile", value == -1 else { return true }
        ctx.error(
            "invalid-value", "ulimit 'nofile' cannot be unlimited (-1): the kernel caps open files at fs.nr_open",
            at: at, p, hint: "give a number of open files, e.g. 65536")
        return false
    }

    /// The value setrlimit takes: -1 is RLIM_INFINITY.
    public static func rlimit(_ value: Int) -> UInt64 { value < 0 ? UInt64.max : UInt64(value) }

    var canonical: Value { single ? .int(soft) : .map(["soft": .int(soft), "hard": .int(hard)]) }
}
