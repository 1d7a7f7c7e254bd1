import BerthDiagnostics
import BerthStackFile

/// One entry of a service's `volumes:`, in the long form compose prints.
public struct Mount: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case volume, bind, tmpfs }
    public enum Propagation: String, Hashable, Sendable, CaseIterable {
        case shared, rshared, slave, rslave, `private`, rprivate
    }
    public enum SELinuxLabel: String, Hashable, Sendable {
        /// `z`: shared between containers.
        case shared = "z"
        /// `Z`: private to this container.
        case `private` = "Z"
    }

    public var kind: Kind
    /// Volume key (resolved against top-level `volumes:` later), absolute host path for
    /// binds, nil for anonymous volumes and tmpfs.
    public var source: String?
    public var target: String
    public var readOnly: Bool = false
    public var propagation: Propagation?
    public var createHostPath: Bool = false
    public var selinux: SELinuxLabel?
    public var noCopy: Bool = false
    public var subpath: String?
    public var tmpfsSize: ByteCount?
    public var tmpfsMode: UInt32?

    init(kind: Kind, source: String?, target: String) {
        self.kind = kind
        self.source = source
        self.target = target
    }

    static func parse(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> Mount? {
        if let m = node.mapping { return parseLong(m, node, path, ctx) }
        guard let text = ctx.text(node, path) else { return nil }
        do {
            return try parseShort(text, ctx)
        } catch {
            ctx.invalid(node, path, error)
            return nil
        }
    }

    static func isHostPath(_ s: String) -> Bool { s.hasPrefix(".") || s.hasPrefix("/") || s.hasPrefix("~") }

    static func checkTarget(_ target: String) throws(ValueError) {
        guard target.hasPrefix("/") else {
            throw ValueError(
                "mount target '\(target)' is not an absolute path", hint: "container paths start with '/'")
        }
    }

    /// `[SOURCE:]TARGET[:MODES]`, MODES a comma list of ro, rw, z, Z, nocopy and propagation.
    static func parseShort(_ text: String, _ ctx: ParseContext) throws(ValueError) -> Mount {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), !parts.contains(where: \.isEmpty) else {
            throw ValueError(
                "'\(text)' is not a volume mount", hint: "write TARGET, SOURCE:TARGET or SOURCE:TARGET:MODE")
        }
        var mount: Mount
        if parts.count == 1 {
            try checkTarget(parts[0])
            mount = Mount(kind: .volume, source: nil, target: parts[0])
        } else {
            try checkTarget(parts[1])
            if isHostPath(parts[0]) {
                let source = try HostPath.resolve(
                    parts[0], in: ctx.projectDirectory, home: ctx.environment["HOME"])
                mount = Mount(kind: .bind, source: source, target: parts[1])
                mount.createHostPath = true
            } else {
                try VolumeName.check(parts[0])
                mount = Mount(kind: .volume, source: parts[0], target: parts[1])
            }
        }
        mount.target = HostPath.normalize(mount.target)
        if parts.count == 3 {
            for option in parts[2].split(separator: ",", omittingEmptySubsequences: false) {
                switch option {
                case "ro": mount.readOnly = true
                case "rw": mount.readOnly = false
                case "z", "Z":
                    guard mount.kind == .bind else { throw ValueError("'\(option)' applies only to bind mounts") }
                    mount.selinux = option == "z" ? .shared : .private
                case "nocopy":
                    guard mount.kind == .volume else { throw ValueError("'nocopy' applies only to volumes") }
                    mount.noCopy = true
                default:
                    if let p = Propagation(rawValue: String(option)) {
                        guard mount.kind == .bind else {
                            throw ValueError("propagation '\(option)' applies only to bind mounts")
                        }
                        mount.propagation = p
                    } else if ["cached", "delegated", "consistent"].contains(option) {
                        throw ValueError(
                            "berth does not support mount consistency '\(option)'",
                            hint: "it is a Docker Desktop option; remove it")
                    } else {
                        throw ValueError(
                            "unknown mount option '\(option)' in '\(text)'",
                            hint: Suggestions.hint(
                                for: String(option),
                                in: ["ro", "rw", "z", "Z", "nocopy"] + Propagation.allCases.map(\.rawValue))
                                ?? "options are ro, rw, z, Z, nocopy and a propagation mode")
                    }
                }
            }
        }
        return mount
    }

    private static let longKeys: Set<String> = [
        "type", "source", "target", "read_only", "bind", "volume", "tmpfs", "consistency",
    ]

    static func parseLong(_ m: Mapping, _ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> Mount? {
        let before = ctx.errorCount
        ctx.checkKeys(
            m, path, allowed: longKeys.subtracting(["consistency"]),
            unsupported: ["consistency": "mount consistency is a Docker Desktop option; remove it"],
            what: "a volume mount")
        guard let typeNode = m["type"] else {
            ctx.error(
                "missing-key", "a volume mount in long form needs 'type'", at: node.location, path,
                hint: "add 'type: volume', 'type: bind' or 'type: tmpfs'")
            return nil
        }
        guard let typeText = ctx.text(typeNode, path.appending("type")) else { return nil }
        guard let kind = Kind(rawValue: typeText) else {
            let why =
                [
                    "npipe": "named pipes exist only on Windows", "image": "image mounts are not implemented",
                    "cluster": "cluster volumes need swarm",
                ][typeText]
            if let why {
                ctx.error(
                    "unsupported-value", "berth does not support mount type '\(typeText)'", at: typeNode.location,
                    path.appending("type"), hint: why)
            } else {
                ctx.error(
                    "invalid-value", "unknown mount type '\(typeText)'", at: typeNode.location,
                    path.appending("type"), hint: "use volume, bind or tmpfs")
            }
            return nil
        }
        guard let targetNode = m["target"], let target = ctx.text(targetNode, path.appending("target")) else {
            if m["target"] == nil {
                ctx.error(
                    "missing-key", "the mount needs a 'target'", at: node.location, path,
                    hint: "add 'target:' with the path inside the container")
            }
            return nil
        }
        do { try checkTarget(target) } catch {
            ctx.invalid(targetNode, path.appending("target"), error)
        }
        var source: String?
        if let s = m["source"], !s.isNull, let text = ctx.text(s, path.appending("source")) {
            switch kind {
            case .bind:
                do {
                    source = try HostPath.resolve(text, in: ctx.projectDirectory, home: ctx.environment["HOME"])
                } catch { ctx.invalid(s, path.appending("source"), error) }
            case .volume:
                do {
                    try VolumeName.check(text)
                    source = text
                } catch { ctx.invalid(s, path.appending("source"), error) }
            case .tmpfs:
                ctx.error(
                    "invalid-value", "a tmpfs mount has no source", at: s.location, path.appending("source"),
                    hint: "remove 'source'")
            }
        } else if kind == .bind {
            ctx.error(
                "missing-key", "a bind mount needs a 'source'", at: node.location, path,
                hint: "add 'source:' with the host path to mount")
        }
        var mount = Mount(kind: kind, source: source, target: HostPath.normalize(target))
        if let ro = m["read_only"] { mount.readOnly = ctx.bool(ro, path.appending("read_only")) ?? false }
        parseOptions(m, kind: kind, into: &mount, path, ctx)
        return ctx.errorCount == before ? mount : nil
    }

    private static func parseOptions(
        _ m: Mapping, kind: Kind, into mount: inout Mount, _ path: KeyPath, _ ctx: ParseContext
    ) {
        for (key, expected) in [("bind", Kind.bind), ("volume", .volume), ("tmpfs", .tmpfs)] {
            guard let n = m[key], !n.isNull else { continue }
            let p = path.appending(key)
            if expected != kind {
                ctx.error(
                    "invalid-value", "'\(key)' options do not apply to a \(kind.rawValue) mount",
                    at: m.entry(key)?.keyLocation, p, hint: "remove '\(key)' or change 'type'")
                continue
            }
            guard let opts = ctx.mapping(n, p) else { continue }
            switch kind {
            case .bind:
                ctx.checkKeys(opts, p, allowed: ["propagation", "create_host_path", "selinux"], what: "bind options")
                if let v = opts["propagation"], let t = ctx.text(v, p.appending("propagation")) {
                    if let prop = Propagation(rawValue: t) {
                        mount.propagation = prop
                    } else {
                        ctx.error(
                            "invalid-value", "unknown propagation '\(t)'", at: v.location, p.appending("propagation"),
                            hint: "use one of " + Propagation.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                }
                if let v = opts["create_host_path"] {
                    mount.createHostPath = ctx.bool(v, p.appending("create_host_path")) ?? false
                }
                if let v = opts["selinux"], let t = ctx.text(v, p.appending("selinux")) {
                    if let label = SELinuxLabel(rawValue: t) {
                        mount.selinux = label
                    } else {
                        ctx.error(
                            "invalid-value", "selinux must be 'z' or 'Z', not '\(t)'", at: v.location,
                            p.appending("selinux"), hint: "use z (shared) or Z (private)")
                    }
                }
            case .volume:
                ctx.checkKeys(
                    opts, p, allowed: ["nocopy", "subpath"], unsupported: ["labels": "", "driver": ""],
                    what: "volume options")
                if let v = opts["nocopy"] { mount.noCopy = ctx.bool(v, p.appending("nocopy")) ?? false }
                if let v = opts["subpath"], let t = ctx.text(v, p.appending("subpath")) {
                    if t.hasPrefix("/") || t.split(separator: "/").contains("..") {
                        ctx.error(
                            "invalid-value", "subpath '\(t)' must be relative and stay inside the volume",
                            at: v.location, p.appending("subpath"), hint: "write a path such as 'sub/dir', without '..'"
                        )
                    } else {
                        mount.subpath = t
                    }
                }
            case .tmpfs:
                ctx.checkKeys(opts, p, allowed: ["size", "mode"], what: "tmpfs options")
                if let v = opts["size"] {
                    mount.tmpfsSize = ctx.parse(v, p.appending("size")) { t throws(ValueError) in
                        try ByteCount(parsing: t)
                    }
                }
                if let v = opts["mode"] { mount.tmpfsMode = FileMode.parse(v, p.appending("mode"), ctx) }
            }
        }
    }

    var canonical: Value {
        var m = ValueMap()
        m.set("type", kind.rawValue)
        m.set("source", source)
        m.set("target", target)
        m.flag("read_only", readOnly)
        switch kind {
        case .bind:
            var b = ValueMap()
            b.set("propagation", propagation?.rawValue)
            b.flag("create_host_path", createHostPath)
            b.set("selinux", selinux?.rawValue)
            if !b.entries.isEmpty { m.set("bind", b.value) }
        case .volume:
            var v = ValueMap()
            v.flag("nocopy", noCopy)
            v.set("subpath", subpath)
            if !v.entries.isEmpty { m.set("volume", v.value) }
        case .tmpfs:
            var t = ValueMap()
            t.set("size", tmpfsSize?.canonical)
            t.set("mode", tmpfsMode.map(FileMode.canonical))
            if !t.entries.isEmpty { m.set("tmpfs", t.value) }
        }
        return m.value
    }
}

/// Names of volumes, networks, configs and secrets as keys in the file.
enum VolumeName {
    static func check(_ name: String) throws(ValueError) {
        guard Names.isKey(name)
        else {
            throw ValueError(
                "'\(name)' is not a valid volume name",
                hint:
                    "volume names use letters, digits, '_', '.' and '-'; host paths start with '.', '/' or '~'"
            )
        }
    }
}

/// One `tmpfs:` entry: `/run` or `/run:size=64m,mode=1777,noexec`.
public struct TmpfsMount: Hashable, Sendable {
    public var target: String
    /// Mount options in the order written, validated against what the kernel's tmpfs takes.
    public var options: [String]

    private static let flags: Set<String> = [
        "ro", "rw", "noexec", "exec", "nosuid", "suid", "nodev", "dev", "sync", "async", "noatime", "atime",
        "nodiratime", "diratime", "relatime", "norelatime", "strictatime", "nostrictatime",
    ]
    private static let valued: Set<String> = ["size", "mode", "uid", "gid", "nr_inodes", "nr_blocks"]

    init(parsing text: String) throws(ValueError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        target = HostPath.normalize(String(parts[0]))
        try Mount.checkTarget(String(parts[0]))
        options = []
        guard parts.count == 2 else { return }
        for option in parts[1].split(separator: ",") {
            let kv = option.split(separator: "=", maxSplits: 1)
            let key = String(kv[0])
            if kv.count == 1, TmpfsMount.flags.contains(key) {
                options.append(key)
            } else if kv.count == 2, TmpfsMount.valued.contains(key) {
                if key == "size" { _ = try ByteCount(parsing: String(kv[1])) }
                options.append(String(option))
            } else {
                throw ValueError(
                    "unknown tmpfs option '\(option)'",
                    hint: Suggestions.hint(for: key, in: TmpfsMount.flags.union(TmpfsMount.valued).sorted())
                        ?? "tmpfs takes size=, mode=, uid=, gid= and mount flags such as noexec")
            }
        }
    }

    var canonical: Value {
        .string(options.isEmpty ? target : target + ":" + options.joined(separator: ","))
    }
}
