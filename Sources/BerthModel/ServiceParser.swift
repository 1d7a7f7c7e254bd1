import BerthDiagnostics
import BerthStackFile

/// Reads one `services.NAME` mapping into a typed `Service`, reporting every problem.
enum ServiceParser {
    static let supported: Set<String> = [
        "image", "command", "entrypoint", "environment", "env_file", "working_dir", "user", "hostname",
        "domainname", "labels", "init", "stop_signal", "stop_grace_period", "sysctls", "shm_size", "dns",
        "dns_search", "dns_opt", "mem_limit", "cpus", "pids_limit", "container_name", "scale", "expose",
        "privileged", "read_only", "tty", "stdin_open", "attach", "cap_add", "cap_drop", "group_add", "profiles",
        "ports", "volumes", "tmpfs", "restart", "healthcheck", "depends_on", "deploy", "ulimits", "extra_hosts",
        "networks", "network_mode", "pid", "ipc", "security_opt", "pull_policy", "platform", "isolation",
        "configs", "secrets",
    ]

    /// Keys of the compose specification berth cannot honour yet, with what to do instead.
    static let unsupported: [String: String] = [
        "build": "build the image elsewhere, push or load it, and use 'image:'",
        "develop": "'develop' (watch mode) is not implemented",
        "devices": "device access is not implemented",
        "device_cgroup_rules": "device access is not implemented",
        "gpus": "GPU access is not implemented",
        "runtime": "berth is its own runtime; remove 'runtime'",
        "credential_spec": "credential specs exist only on Windows",
        "storage_opt": "storage driver options are not implemented",
        "blkio_config": "block I/O weights and limits are not implemented",
        "cgroup": "cgroup namespace selection is not implemented",
        "cgroup_parent": "berth places every container in its own cgroup",
        "volumes_from": "list the volumes in this service's 'volumes:' instead",
        "links": "services reach each other by service name on shared networks; remove 'links'",
        "external_links": "attach the service to a network the other containers are on",
        "logging": "berth keeps its own logs; remove 'logging'",
        "mac_address": "fixed MAC addresses are not implemented",
        "userns_mode": "user namespace selection is not implemented",
        "uts": "UTS namespace sharing is not implemented",
        "oom_score_adj": "", "oom_kill_disable": "",
        "cpu_shares": "use 'cpus' or deploy.resources.limits.cpus", "cpu_quota": "use 'cpus'",
        "cpu_period": "use 'cpus'", "cpu_count": "use 'cpus'", "cpu_percent": "use 'cpus'",
        "cpu_rt_period": "", "cpu_rt_runtime": "", "cpuset": "",
        "mem_reservation": "use deploy.resources.reservations.memory",
        "mem_swappiness": "", "memswap_limit": "",
        "annotations": "", "label_file": "write the labels under 'labels:'",
        "post_start": "lifecycle hooks are not implemented", "pre_stop": "lifecycle hooks are not implemented",
        "models": "", "provider": "", "use_api_socket": "berth has no docker API socket to share",
        "pull_refresh_after": "",
        "extends": "'extends' should have been resolved while loading; this is a berth bug",
    ]

    static let candidates = supported.union(unsupported.keys).sorted()

    /// `inactive`: the service's profiles are all disabled, so it may lack an image (compose
    /// checks that only for the services it runs).
    static func parse(
        name: ServiceName, node: Node, path: KeyPath, nameLocation: SourceLocation, _ ctx: ParseContext,
        inactive: Bool = false
    ) -> (Service, ServiceSite)? {
        guard let m = ctx.mapping(node, path) else { return nil }
        let before = ctx.errorCount
        ctx.checkKeys(
            m, path, allowed: supported, unsupported: unsupported, candidates: candidates, what: "service '\(name)'")
        var s = Service(name: name)
        var site = ServiceSite(nameLocation: nameLocation, path: path)
        var replicas: (Int, SourceLocation)?
        var scaleAt: SourceLocation?
        for e in m.entries where supported.contains(e.key) && !e.value.isNull {
            let v = e.value
            let p = path.appending(e.key)
            switch e.key {
            case "image":
                if let t = ctx.text(v, p) {
                    if !ImageReferenceShape.isPlausible(t) {
                        ctx.error(
                            "invalid-value", "'\(t)' is not an image reference", at: v.location, p,
                            hint: "write an image reference such as 'nginx:1.27'")
                    } else {
                        s.image = t
                    }
                }
            case "command": s.command = command(v, p, ctx)
            case "entrypoint": s.entrypoint = command(v, p, ctx)
            case "environment": s.environment = environment(v, p, ctx) ?? [:]
            case "env_file": s.envFiles = EnvFile.parseAll(v, p, ctx) ?? []
            case "working_dir":
                if let t = ctx.text(v, p) {
                    if t.hasPrefix("/") {
                        s.workingDir = t
                    } else {
                        ctx.error(
                            "invalid-value", "working_dir '\(t)' is not an absolute path", at: v.location, p,
                            hint: "container paths start with '/'")
                    }
                }
            case "user": s.user = ctx.text(v, p)
            case "hostname", "domainname":
                if let t = ctx.text(v, p) {
                    if isHostname(t) {
                        if e.key == "hostname" { s.hostname = t } else { s.domainname = t }
                    } else {
                        ctx.error(
                            "invalid-value", "'\(t)' is not a valid \(e.key)", at: v.location, p,
                            hint: "use letters, digits, '-' and '.', at most 63 characters between dots")
                    }
                }
            case "labels": s.labels = ctx.stringMap(v, p) ?? [:]
            case "init": s.initProcess = ctx.bool(v, p) ?? false
            case "stop_signal": s.stopSignal = ctx.parse(v, p) { t throws(ValueError) in try Signal(parsing: t) }
            case "stop_grace_period": s.stopGracePeriod = duration(v, p, ctx)
            case "sysctls": s.sysctls = ctx.stringMap(v, p) ?? [:]
            case "shm_size": s.shmSize = bytes(v, p, ctx)
            case "dns":
                for (i, t) in (ctx.strings(v, p, allowSingle: true) ?? []).enumerated() {
                    if let ip = IPAddress(t) {
                        s.dns.append(ip)
                    } else {
                        let at = v.sequence?[i].location ?? v.location
                        ctx.error(
                            "invalid-value", "DNS server '\(t)' is not an IP address", at: at,
                            v.sequence == nil ? p : p.appending(index: i), hint: "list DNS servers by IP address")
                    }
                }
            case "dns_search": s.dnsSearch = ctx.strings(v, p, allowSingle: true) ?? []
            case "dns_opt": s.dnsOptions = ctx.strings(v, p, allowSingle: true) ?? []
            case "mem_limit": s.memoryLimit = ctx.parse(v, p, ResourceLimits.parseMemory)
            case "cpus": s.cpus = ctx.parse(v, p, ResourceLimits.parseCPUs)
            case "pids_limit": s.pidsLimit = ctx.int(v, p, min: -1)
            case "container_name":
                if let t = ctx.text(v, p) {
                    if ResourceName.isValid(t), t.count > 1 {
                        s.containerName = t
                        site.containerName = v.location
                    } else {
                        ctx.error(
                            "invalid-value", "'\(t)' is not a valid container name", at: v.location, p,
                            hint: "use at least two letters, digits, '_', '.' or '-', starting with a letter or digit")
                    }
                }
            case "scale":
                s.scale = ctx.int(v, p, min: 0)
                scaleAt = v.location
            case "expose": s.expose = expose(v, p, ctx)
            case "privileged": s.privileged = ctx.bool(v, p) ?? false
            case "read_only": s.readOnly = ctx.bool(v, p) ?? false
            case "tty": s.tty = ctx.bool(v, p) ?? false
            case "stdin_open": s.stdinOpen = ctx.bool(v, p) ?? false
            case "attach": s.attach = ctx.bool(v, p) ?? true
            case "cap_add", "cap_drop":
                let caps = capabilities(v, p, ctx)
                if e.key == "cap_add" { s.capAdd = caps } else { s.capDrop = caps }
            case "group_add": s.groupAdd = ctx.strings(v, p) ?? []
            case "profiles":
                for (i, t) in (ctx.strings(v, p) ?? []).enumerated() {
                    if Names.isIdentifier(t, extra: "_.-") {
                        s.profiles.append(t)
                    } else {
                        ctx.error(
                            "invalid-value", "'\(t)' is not a valid profile name", at: v.sequence?[i].location,
                            p.appending(index: i), hint: "use letters, digits, '_', '.' and '-'")
                    }
                }
            case "ports": ports(v, p, ctx, into: &s, site: &site)
            case "volumes":
                for (i, item) in (ctx.sequence(v, p) ?? []).enumerated() {
                    let ip = p.appending(index: i)
                    guard let mount = Mount.parse(item, ip, ctx) else { continue }
                    if mount.kind == .volume, let source = mount.source {
                        site.references.append(.init(kind: .volume, name: source, location: item.location, path: ip))
                    }
                    s.volumes.append(mount)
                }
            case "tmpfs":
                let entries = ctx.strings(v, p, allowSingle: true) ?? []
                for (i, t) in entries.enumerated() {
                    let at = v.sequence?[i].location ?? v.location
                    do { s.tmpfs.append(try TmpfsMount(parsing: t)) } catch {
                        ctx.error(
                            "invalid-value", error.message, at: at, v.sequence == nil ? p : p.appending(index: i),
                            hint: error.hint)
                    }
                }
            case "restart": s.restart = ctx.parse(v, p) { t throws(ValueError) in try RestartPolicy(parsing: t) }
            case "healthcheck": s.healthcheck = Healthcheck.parse(v, p, ctx)
            case "depends_on":
                var refs: [(String, SourceLocation, KeyPath)] = []
                s.dependsOn = Dependency.parse(v, p, ctx) { refs.append(($0, $1, $2)) } ?? [:]
                for (n, at, rp) in refs {
                    site.references.append(
                        .init(
                            kind: .service, name: n, location: at, path: rp, required: s.dependsOn[n]?.required ?? true,
                            isDependency: true))
                }
            case "deploy":
                s.deploy = Deploy.parse(v, p, ctx)
                if let r = s.deploy?.replicas {
                    replicas = (r, v["replicas"]?.location ?? v.location)
                    s.deploy?.replicas = nil
                }
            case "ulimits": s.ulimits = Ulimit.parseAll(v, p, ctx) ?? [:]
            case "extra_hosts": s.extraHosts = ExtraHost.parseAll(v, p, ctx) ?? []
            case "networks": networks(v, p, ctx, into: &s, site: &site)
            case "network_mode", "pid", "ipc":
                let kind = NamespaceMode.Kind(rawValue: e.key) ?? .network
                let mode = ctx.parse(v, p) { t throws(ValueError) in try NamespaceMode(parsing: t, kind: kind) }
                if let target = mode?.referencedService {
                    site.references.append(.init(kind: .service, name: target, location: v.location, path: p))
                }
                switch kind {
                case .network: s.networkMode = mode
                case .pid: s.pid = mode
                case .ipc: s.ipc = mode
                }
            case "security_opt":
                for (i, item) in (ctx.sequence(v, p) ?? []).enumerated() {
                    let ip = p.appending(index: i)
                    if let o = ctx.parse(
                        item, ip,
                        { t throws(ValueError) in
                            try SecurityOption(parsing: t, projectDirectory: ctx.projectDirectory)
                        })
                    {
                        s.securityOptions.append(o)
                    }
                }
            case "pull_policy": s.pullPolicy = ctx.parse(v, p) { t throws(ValueError) in try PullPolicy(parsing: t) }
            case "platform":
                if let t = ctx.text(v, p) {
                    let lower = t.lowercased()
                    if lower == "linux/amd64" || lower == "linux/x86_64" || lower == "linux/amd64/v1" {
                        s.platform = "linux/amd64"
                    } else {
                        ctx.error(
                            "unsupported-value", "berth runs only linux/amd64 images, not '\(t)'", at: v.location, p,
                            hint: "use an image built for linux/amd64, or remove 'platform'")
                    }
                }
            case "isolation":
                if let t = ctx.text(v, p), t != "default" {
                    ctx.error(
                        "unsupported-value", "isolation '\(t)' exists only on Windows", at: v.location, p,
                        hint: "remove 'isolation'; on Linux the only value is 'default'")
                }
            case "configs", "secrets":
                let isSecret = e.key == "secrets"
                let kind: ServiceSite.ReferenceKind = isSecret ? .secret : .config
                var refs: [ServiceSite.Reference] = []
                let parsed =
                    FileReference.parseAll(v, p, ctx, secrets: isSecret) {
                        refs.append(.init(kind: kind, name: $0, location: $1, path: $2))
                    } ?? []
                site.references += refs
                if isSecret { s.secrets = parsed } else { s.configs = parsed }
            default:
                break
            }
        }
        s.extensions = ctx.extensions(m)
        if s.image == nil, ctx.errorCount == before, !inactive {
            ctx.error(
                "missing-key", "service '\(name)' has no image", at: nameLocation, path,
                hint: "add 'image:'; berth does not build images")
        }
        if let (r, at) = replicas {
            if let sc = s.scale, sc != r {
                ctx.error(
                    "conflicting-keys", "can't set distinct values on 'scale' (\(sc)) and 'deploy.replicas' (\(r))",
                    at: scaleAt,
                    path.appending("scale"), hint: "set only one of them",
                    notes: [.init("deploy.replicas is set here", at: at)])
            }
            s.scale = s.scale ?? r
        }
        if let cn = s.containerName, s.replicas > 1 {
            ctx.error(
                "container-name-scaled",
                "service '\(name)' sets container_name '\(cn)' but runs \(s.replicas) replicas",
                at: site.containerName, path.appending("container_name"),
                hint: "container names are unique; remove container_name or run one replica")
        }
        checkLimitAliases(s, m, path, ctx)
        checkMountTargets(s, m, path, ctx)
        checkExecSizes(s, m, path, ctx)
        if s.replicas > 1 {
            for (i, port) in s.ports.enumerated() where port.published?.isSingle == true {
                let at = site.ports[i]
                ctx.error(
                    "port-conflict",
                    "service '\(name)' runs \(s.replicas) replicas but publishes the single host port \(port.published?.first ?? 0)",
                    at: at.location, at.path,
                    hint:
                        "publish a host port range with one port per replica (e.g. '8080-8082:80'), or leave the host port out"
                )
                break
            }
        }
        if s.networkMode != nil, m["networks"].map({ !$0.isNull }) ?? false {
            ctx.error(
                "conflicting-keys", "service '\(name)' sets both 'network_mode' and 'networks'",
                at: m.entry("network_mode")?.keyLocation, path.appending("network_mode"),
                hint: "they are mutually exclusive; remove one",
                notes: [.init("'networks' is set here", at: m.entry("networks")?.keyLocation)])
        }
        // Returned even with errors: graph checks still see what parsed, so one run reports
        // a bad key and a bad reference together. The builder returns no topology anyway.
        return (s, site)
    }

    /// `cpus`, `mem_limit` and `pids_limit` are other spellings of deploy.resources.limits;
    /// compose refuses a service whose limits block disagrees with them, counting an
    /// absent limit as disagreeing, and so does berth.
    private static func checkLimitAliases(_ s: Service, _ m: Mapping, _ path: KeyPath, _ ctx: ParseContext) {
        guard let limits = s.deploy?.limits else { return }
        let pairs: [(String, String, Bool)] = [
            ("cpus", "cpus", s.cpus != nil && s.cpus != limits.cpus),
            ("mem_limit", "memory", s.memoryLimit != nil && s.memoryLimit != limits.memory),
            ("pids_limit", "pids", s.pidsLimit != nil && s.pidsLimit != limits.pids),
        ]
        for (key, limit, differs) in pairs where differs {
            ctx.error(
                "conflicting-keys", "can't set distinct values on '\(key)' and 'deploy.resources.limits.\(limit)'",
                at: m.entry(key)?.keyLocation, path.appending(key),
                hint:
                    "set the limit in one place only (compose rejects this too, even when the deploy limit is absent)",
                notes: [
                    .init("deploy.resources.limits is set here", at: m["deploy"]?["resources"]?["limits"]?.location)
                ])
        }
    }

    /// Two mounts on one container path cannot both be honoured; the runtime would fail
    /// with a less helpful message.
    private static func checkMountTargets(_ s: Service, _ m: Mapping, _ path: KeyPath, _ ctx: ParseContext) {
        var seen = Set<String>()
        let targets = s.volumes.map { ($0.target, "volumes") } + s.tmpfs.map { ($0.target, "tmpfs") }
        for (target, key) in targets where !seen.insert(target).inserted {
            ctx.error(
                "duplicate-mount", "service '\(s.name)' mounts more than one thing at '\(target)'",
                at: m.entry(key)?.keyLocation, path.appending(key),
                hint: "give each volume, bind and tmpfs mount its own target path")
        }
    }

    private static func duration(_ v: Node, _ p: KeyPath, _ ctx: ParseContext) -> Duration? {
        guard let d = ctx.parse(v, p, { t throws(ValueError) in try Duration(parsing: t) }) else { return nil }
        if d.nanoseconds < 0 {
            ctx.error(
                "invalid-value", "the duration cannot be negative", at: v.location, p,
                hint: "write a positive duration such as '10s'")
            return nil
        }
        return d
    }

    private static func bytes(_ v: Node, _ p: KeyPath, _ ctx: ParseContext) -> ByteCount? {
        ctx.parse(v, p) { t throws(ValueError) in try ByteCount(parsing: t) }
    }

    static func isHostname(_ t: String) -> Bool {
        guard !t.isEmpty, t.count <= 253 else { return false }
        return t.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { Names.isAlnum($0) || $0 == "-" || $0 == "_" }
        }
    }

    private static func command(_ v: Node, _ p: KeyPath, _ ctx: ParseContext) -> [String]? {
        if v.sequence != nil { return ctx.strings(v, p) }
        return ctx.parse(v, p) { t throws(ValueError) in try ShellSplit.split(t) }
    }

    /// Map or `KEY=VALUE` list. A variable without a value (`KEY`, `KEY:`) takes its value
    /// from the environment while loading; if it is still unset here it is dropped, as
    /// compose drops it.
    private static func environment(_ v: Node, _ p: KeyPath, _ ctx: ParseContext) -> [String: String]? {
        var out: [String: String] = [:]
        if let m = v.mapping {
            for e in m.entries {
                if e.key.isEmpty || e.key.contains("=") {
                    ctx.error(
                        "invalid-value", "'\(e.key)' is not a variable name", at: e.keyLocation, p.appending(e.key),
                        hint: "variable names are non-empty and contain no '='")
                    continue
                }
                if e.value.isNull { continue }
                if let t = e.value.scalar?.text {
                    out[e.key] = t
                } else {
                    ctx.typeError(e.value, p.appending(e.key), expected: "a string, number or boolean")
                }
            }
            return out
        }
        guard let items = v.sequence else {
            ctx.typeError(v, p, expected: "a mapping or a list of KEY=VALUE")
            return nil
        }
        for (i, item) in items.enumerated() {
            let ip = p.appending(index: i)
            guard let t = ctx.text(item, ip) else { continue }
            guard let eq = t.firstIndex(of: "=") else { continue }
            let key = String(t[..<eq])
            if key.isEmpty {
                ctx.error(
                    "invalid-value", "'\(t)' has no variable name before '='", at: item.location, ip,
                    hint: "write KEY=VALUE")
                continue
            }
            if out[key] != nil {
                ctx.error(
                    "duplicate-key", "variable '\(key)' is set more than once", at: item.location, ip,
                    hint: "remove one of the entries")
            }
            out[key] = String(t[t.index(after: eq)...])
        }
        return out
    }

    private static func expose(_ v: Node, _ p: KeyPath, _ ctx: ParseContext) -> [String] {
        var out: [String] = []
        for (i, item) in (ctx.sequence(v, p) ?? []).enumerated() {
            let ip = p.appending(index: i)
            guard let t = ctx.text(item, ip) else { continue }
            let parts = t.split(separator: "/", maxSplits: 1).map(String.init)
            do throws(ValueError) {
                let range = try PortRange(parsing: parts.first ?? "", what: "port")
                var proto = PortProtocol.tcp
                if parts.count == 2 {
                    guard let pr = PortProtocol(rawValue: parts[1].lowercased()) else {
                        throw ValueError("unknown protocol '\(parts[1])'", hint: "use tcp, udp or sctp")
                    }
                    proto = pr
                }
                out.append(range.description + (proto == .tcp ? "" : "/\(proto.rawValue)"))
            } catch { ctx.invalid(item, ip, error) }
        }
        return out
    }

    private static func capabilities(_ v: Node, _ p: KeyPath, _ ctx: ParseContext) -> [Capability] {
        var out: [Capability] = []
        var seen = Set<Capability>()
        for (i, item) in (ctx.sequence(v, p) ?? []).enumerated() {
            if let c = ctx.parse(item, p.appending(index: i), { t throws(ValueError) in try Capability(parsing: t) }),
                seen.insert(c).inserted
            {
                out.append(c)
            }
        }
        return out
    }

    private static func ports(
        _ v: Node, _ p: KeyPath, _ ctx: ParseContext, into s: inout Service, site: inout ServiceSite
    ) {
        for (i, item) in (ctx.sequence(v, p) ?? []).enumerated() {
            let ip = p.appending(index: i)
            let parsed: [PortMapping]
            if let m = item.mapping {
                guard let one = longPort(m, item, ip, ctx) else { continue }
                parsed = [one]
            } else if let sc = item.scalar, !sc.isNull {
                do { parsed = try PortMapping.parseShort(sc.text) } catch {
                    ctx.invalid(item, ip, error)
                    continue
                }
            } else {
                ctx.typeError(item, ip, expected: "a port string or a mapping")
                continue
            }
            for port in parsed {
                s.ports.append(port)
                site.ports.append((item.location, ip))
            }
        }
    }

    private static func longPort(_ m: Mapping, _ node: Node, _ p: KeyPath, _ ctx: ParseContext) -> PortMapping? {
        let before = ctx.errorCount
        ctx.checkKeys(
            m, p, allowed: ["target", "published", "host_ip", "protocol", "mode", "name", "app_protocol"],
            what: "a port")
        guard let tn = m["target"] else {
            ctx.error(
                "missing-key", "the port needs a 'target'", at: node.location, p,
                hint: "add 'target:' with the container port")
            return nil
        }
        guard let target = ctx.int(tn, p.appending("target"), min: 1, max: 65535) else { return nil }
        var port = PortMapping(target: target)
        if let pn = m["published"], !pn.isNull {
            port.published = ctx.parse(pn, p.appending("published")) { t throws(ValueError) in
                try PortRange(parsing: t, what: "host port")
            }
        }
        if let hn = m["host_ip"], !hn.isNull, let t = ctx.text(hn, p.appending("host_ip")) {
            port.hostIP = IPAddress(t)
            if port.hostIP == nil {
                ctx.error(
                    "invalid-value", "'\(t)' is not an IP address", at: hn.location, p.appending("host_ip"),
                    hint: "write an address such as 127.0.0.1")
            }
        }
        if let pn = m["protocol"], !pn.isNull, let t = ctx.text(pn, p.appending("protocol")) {
            if let proto = PortProtocol(rawValue: t.lowercased()) {
                port.protocol = proto
            } else {
                ctx.error(
                    "invalid-value", "unknown protocol '\(t)'", at: pn.location, p.appending("protocol"),
                    hint: "use tcp, udp or sctp")
            }
        }
        if let mn = m["mode"], !mn.isNull, let t = ctx.text(mn, p.appending("mode")) {
            if let mode = PortMapping.Mode(rawValue: t) {
                port.mode = mode
            } else {
                ctx.error(
                    "invalid-value", "unknown port mode '\(t)'", at: mn.location, p.appending("mode"),
                    hint: "use ingress or host")
            }
        }
        if let n = m["name"], !n.isNull { port.name = ctx.text(n, p.appending("name")) }
        if let n = m["app_protocol"], !n.isNull { port.appProtocol = ctx.text(n, p.appending("app_protocol")) }
        return ctx.errorCount == before ? port : nil
    }

    private static func networks(
        _ v: Node, _ p: KeyPath, _ ctx: ParseContext, into s: inout Service, site: inout ServiceSite
    ) {
        if let items = v.sequence {
            for (i, item) in items.enumerated() {
                guard let n = ctx.text(item, p.appending(index: i)) else { continue }
                s.networks[n] = NetworkAttachment()
                site.references.append(
                    .init(kind: .network, name: n, location: item.location, path: p.appending(index: i)))
            }
            return
        }
        guard let m = v.mapping else {
            ctx.typeError(v, p, expected: "a list of network names or a mapping")
            return
        }
        for e in m.entries {
            let np = p.appending(e.key)
            site.references.append(.init(kind: .network, name: e.key, location: e.keyLocation, path: np))
            guard let (a, sites) = NetworkAttachment.parse(e.value, np, ctx) else { continue }
            s.networks[e.key] = a
            site.addresses[e.key] = sites
        }
    }
}
