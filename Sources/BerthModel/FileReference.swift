import BerthDiagnostics
import BerthStackFile

/// A service's use of a top-level config or secret: which one, and where and how it
/// appears in the container.
public struct FileReference: Hashable, Sendable {
    public var source: String
    /// Absolute path in the container; defaulted (`/<source>` for configs,
    /// `/run/secrets/<source>` for secrets) so the runtime never guesses.
    public var target: String
    public var uid: String?
    public var gid: String?
    public var mode: UInt32?

    static func parseAll(
        _ node: Node, _ path: KeyPath, _ ctx: ParseContext, secrets: Bool,
        reference: (String, SourceLocation, KeyPath) -> Void
    ) -> [FileReference]? {
        guard let items = ctx.sequence(node, path) else { return nil }
        var out: [FileReference] = []
        for (i, item) in items.enumerated() {
            let p = path.appending(index: i)
            if let m = item.mapping {
                ctx.checkKeys(
                    m, p, allowed: ["source", "target", "uid", "gid", "mode"],
                    what: "a \(secrets ? "secret" : "config") reference")
                guard let sn = m["source"], let source = ctx.text(sn, p.appending("source")) else {
                    if m["source"] == nil {
                        ctx.error(
                            "missing-key", "the reference needs a 'source'", at: item.location, p,
                            hint: "name the top-level config or secret in 'source'")
                    }
                    continue
                }
                reference(source, sn.location, p.appending("source"))
                var ref = FileReference(source: source, target: defaultTarget(source, secrets: secrets))
                if let t = m["target"], !t.isNull, let text = ctx.text(t, p.appending("target")) {
                    ref.target = text.hasPrefix("/") ? text : defaultTarget(text, secrets: secrets)
                }
                if let u = m["uid"], !u.isNull { ref.uid = ctx.text(u, p.appending("uid")) }
                if let g = m["gid"], !g.isNull { ref.gid = ctx.text(g, p.appending("gid")) }
                if let md = m["mode"], !md.isNull { ref.mode = FileMode.parse(md, p.appending("mode"), ctx) }
                out.append(ref)
            } else if let source = ctx.text(item, p) {
                reference(source, item.location, p)
                out.append(FileReference(source: source, target: defaultTarget(source, secrets: secrets)))
            }
        }
        return out
    }

    static func defaultTarget(_ name: String, secrets: Bool) -> String {
        secrets ? "/run/secrets/\(name)" : "/\(name)"
    }

    var canonical: Value {
        var m = ValueMap()
        m.set("source", source)
        m.set("target", target)
        m.set("uid", uid)
        m.set("gid", gid)
        m.set("mode", mode.map(FileMode.canonical))
        return m.value
    }
}

/// An `env_file:` entry after loading: an absolute path, and whether it must exist.
public struct EnvFile: Hashable, Sendable {
    public var path: String
    public var required: Bool

    static func parseAll(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> [EnvFile]? {
        let items: [Node] = node.sequence ?? [node]
        var out: [EnvFile] = []
        for (i, item) in items.enumerated() {
            let p = node.sequence == nil ? path : path.appending(index: i)
            var file: String?
            var required = true
            var at = item
            if let m = item.mapping {
                ctx.checkKeys(m, p, allowed: ["path", "required", "format"], what: "an env_file entry")
                if let f = m["format"], let t = ctx.text(f, p.appending("format")), t != "raw" {
                    ctx.error(
                        "invalid-value", "unknown env_file format '\(t)'", at: f.location, p.appending("format"),
                        hint: "the only format is 'raw'; leave it out for the usual KEY=VALUE format")
                }
                if let r = m["required"] { required = ctx.bool(r, p.appending("required")) ?? true }
                guard let pn = m["path"] else {
                    ctx.error(
                        "missing-key", "the env_file entry needs a 'path'", at: item.location, p,
                        hint: "add 'path:' with the file to read")
                    continue
                }
                at = pn
                file = ctx.text(pn, p.appending("path"))
            } else {
                file = ctx.text(item, p)
            }
            guard let file else { continue }
            do {
                out.append(
                    EnvFile(
                        path: try HostPath.resolve(file, in: ctx.projectDirectory, home: ctx.environment["HOME"]),
                        required: required))
            } catch { ctx.invalid(at, p, error) }
        }
        return out
    }

    var canonical: Value { .map(["path": .string(path), "required": .bool(required)]) }
}
