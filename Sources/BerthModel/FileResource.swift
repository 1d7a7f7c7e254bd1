import BerthDiagnostics
import BerthStackFile

/// A top-level config or secret: file content made available inside containers.
public struct FileResource: Hashable, Sendable {
    public enum Source: Hashable, Sendable {
        /// An absolute host path, read when containers are created.
        case file(String)
        /// The name of a variable; its value is the content.
        case environment(String)
        /// Inline content (configs only).
        case content(String)
    }

    public var key: String
    public var name: String
    public var source: Source
    public var labels: [String: String] = [:]
    public var extensions: [String: Value] = [:]
    /// For `environment:` sources, the variable's value when the stack was loaded, so the
    /// runtime writes exactly what was validated and hashed. Never printed.
    public internal(set) var environmentValue: String?

    static func parse(key: String, node: Node, secret: Bool, project: String, _ ctx: ParseContext) -> FileResource? {
        let what = secret ? "secret" : "config"
        let path = KeyPath(keys: secret ? "secrets" : "configs", key)
        guard let m = ctx.mapping(node, path) else { return nil }
        let before = ctx.errorCount
        var allowed: Set<String> = ["file", "environment", "external", "name", "labels"]
        if !secret { allowed.insert("content") }
        ctx.checkKeys(
            m, path, allowed: allowed,
            unsupported: ["driver": "", "driver_opts": "", "template_driver": ""], what: "\(what) '\(key)'")
        if let e = m["external"], !e.isNull, ctx.bool(e, path.appending("external")) == true {
            ctx.error(
                "unsupported-value", "berth does not support external \(what)s", at: e.location,
                path.appending("external"),
                hint: "external \(what)s live in a swarm; use 'file:' or 'environment:' instead")
            return nil
        }
        var sources: [(String, Node)] = []
        for k in ["file", "environment", "content"] {
            if let v = m[k], !v.isNull { sources.append((k, v)) }
        }
        guard sources.count == 1, let (kind, node) = sources.first else {
            ctx.error(
                sources.isEmpty ? "missing-key" : "conflicting-keys",
                sources.isEmpty
                    ? "\(what) '\(key)' has no source"
                    : "\(what) '\(key)' sets more than one of \(sources.map { "'\($0.0)'" }.joined(separator: ", "))",
                at: sources.count > 1 ? m.entry(sources[1].0)?.keyLocation : node.location, path,
                hint: secret
                    ? "set exactly one of 'file' or 'environment'"
                    : "set exactly one of 'file', 'environment' or 'content'")
            return nil
        }
        guard let text = ctx.text(node, path.appending(kind)) else { return nil }
        let source: Source
        switch kind {
        case "file":
            do {
                source = .file(try HostPath.resolve(text, in: ctx.projectDirectory, home: ctx.environment["HOME"]))
            } catch {
                ctx.invalid(node, path.appending("file"), error)
                return nil
            }
        case "environment":
            guard ctx.environment[text] != nil else {
                ctx.error(
                    "unset-variable", "\(what) '\(key)' reads variable '\(text)', which is not set", at: node.location,
                    path.appending("environment"), hint: "set \(text) in the environment or in the .env file")
                return nil
            }
            source = .environment(text)
        default:
            source = .content(text)
        }
        var r = FileResource(key: key, name: "\(project)_\(key)", source: source)
        if case .environment(let variable) = source { r.environmentValue = ctx.environment[variable] }
        if let n = m["name"], !n.isNull, let t = ctx.text(n, path.appending("name")) { r.name = t }
        if let l = m["labels"], !l.isNull { r.labels = ctx.stringMap(l, path.appending("labels")) ?? [:] }
        r.extensions = ctx.extensions(m)
        return ctx.errorCount == before ? r : nil
    }

    var canonical: Value {
        var m = ValueMap()
        m.set("name", name)
        switch source {
        case .file(let p): m.set("file", p)
        case .environment(let v): m.set("environment", v)
        case .content(let c): m.set("content", c)
        }
        if !labels.isEmpty { m.set("labels", stringMap: labels) }
        for (k, v) in extensions { m.set(k, v) }
        return m.value
    }
}
