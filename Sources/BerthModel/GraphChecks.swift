import BerthDiagnostics
import BerthStackFile

/// Checks that need the whole stack: references between services and resources,
/// dependency cycles, host port clashes, container names, subnets and fixed addresses.
/// Each check is linear or n·log n in the size of the stack.
struct GraphChecks {
    let ctx: ParseContext
    let root: Mapping
    var services: [Service]
    let sites: [String: ServiceSite]
    let disabled: [Service]
    let networks: [String: Network]
    let networkSites: [String: Network.Sites]
    let volumes: [String: Volume]
    let configs: [String: FileResource]
    let secrets: [String: FileResource]
    /// Keys written in each top-level section, valid or not: a reference to a definition
    /// that already has its own error is not reported again.
    let written: [String: Set<String>]

    init(
        ctx: ParseContext, root: Mapping, services: [Service], sites: [String: ServiceSite], disabled: [Service],
        networks: [String: Network], networkSites: [String: Network.Sites], volumes: [String: Volume],
        configs: [String: FileResource], secrets: [String: FileResource]
    ) {
        var written: [String: Set<String>] = [:]
        for key in ["services", "networks", "volumes", "configs", "secrets"] {
            written[key] = Set(root[key]?.mapping?.keys ?? [])
        }
        self.written = written
        self.ctx = ctx
        self.root = root
        self.services = services
        self.sites = sites
        self.disabled = disabled
        self.networks = networks
        self.networkSites = networkSites
        self.volumes = volumes
        self.configs = configs
        self.secrets = secrets
    }

    mutating func run() {
        checkReferences()
        checkHealthyConditions()
        checkCycles()
        checkPorts()
        checkContainerNames()
        checkSubnets()
        checkAddresses()
    }

    private func site(_ s: Service) -> ServiceSite? { sites[s.name.rawValue] }

    /// Where a top-level section is, for "defined here" notes.
    private func sectionNote(_ key: String, _ what: String) -> [Diagnostic.Note] {
        guard let e = root.entry(key) else { return [.init("the stack has no top-level '\(key)' section")] }
        return [.init("\(what)s are defined under '\(key)' here", at: e.keyLocation)]
    }

    private mutating func checkReferences() {
        let enabledNames = Set(services.map(\.name.rawValue))
        let disabledByName = Dictionary(disabled.map { ($0.name.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        let nameIndex = NameIndex(enabledNames.union(disabledByName.keys).sorted())
        for i in services.indices {
            let name = services[i].name
            guard let site = sites[name.rawValue] else { continue }
            for ref in site.references {
                switch ref.kind {
                case .service:
                    if enabledNames.contains(ref.name) { continue }
                    if written["services"]?.contains(ref.name) == true, disabledByName[ref.name] == nil { continue }
                    if let off = disabledByName[ref.name] {
                        if ref.isDependency, !ref.required {
                            services[i].dependsOn[ref.name] = nil
                            continue
                        }
                        ctx.error(
                            "disabled-dependency",
                            "service '\(ref.name)' is required by '\(name)' but is disabled",
                            at: ref.location, ref.path,
                            hint: "enable it with "
                                + off.profiles.map { "--profile \($0)" }.joined(separator: " or ")
                                + (ref.isDependency ? ", or mark the dependency 'required: false'" : ""))
                        continue
                    }
                    ctx.error(
                        "undefined-service",
                        ref.isDependency
                            ? "service '\(name)' depends on undefined service '\(ref.name)'"
                            : "service '\(name)' refers to undefined service '\(ref.name)'",
                        at: ref.location, ref.path,
                        hint: Suggestions.hint(for: ref.name, in: nameIndex.plausible(ref.name))
                            ?? "define '\(ref.name)' under 'services:' or fix the name",
                        notes: sectionNote("services", "service"))
                case .network:
                    if networks[ref.name] != nil || ref.name == "default" { continue }
                    undefined(ref, "network", "networks", Array(networks.keys))
                case .volume:
                    if volumes[ref.name] != nil { continue }
                    undefined(ref, "volume", "volumes", Array(volumes.keys))
                case .config:
                    if configs[ref.name] != nil { continue }
                    undefined(ref, "config", "configs", Array(configs.keys))
                case .secret:
                    if secrets[ref.name] != nil { continue }
                    undefined(ref, "secret", "secrets", Array(secrets.keys))
                }
            }
        }
    }

    /// Names bucketed by (first byte, length) and (last byte, length), so did-you-mean
    /// looks at a bounded handful of plausible names instead of every service.
    struct NameIndex {
        struct Bucket: Hashable {
            var byte: UInt8
            var length: Int
            var fromEnd: Bool
        }
        var buckets: [Bucket: [String]] = [:]

        init(_ names: [String]) {
            for n in names {
                let length = n.utf8.count
                if let f = n.utf8.first {
                    buckets[Bucket(byte: f, length: length, fromEnd: false), default: []].append(n)
                }
                if let l = n.utf8.last {
                    buckets[Bucket(byte: l, length: length, fromEnd: true), default: []].append(n)
                }
            }
        }

        func plausible(_ name: String, limit: Int = 64) -> [String] {
            let length = name.utf8.count
            var out: [String] = []
            for d in [0, -1, 1, -2, 2, -3, 3] {
                for (byte, fromEnd) in [(name.utf8.first, false), (name.utf8.last, true)] {
                    guard let byte, let bucket = buckets[Bucket(byte: byte, length: length + d, fromEnd: fromEnd)]
                    else { continue }
                    out.append(contentsOf: bucket.prefix(limit - out.count))
                    if out.count >= limit { return out }
                }
            }
            return out
        }
    }

    /// Waiting for `service_healthy` on a service whose healthcheck is disabled can never
    /// succeed; compose only finds out at `up`.
    private func checkHealthyConditions() {
        var disabledChecks = Set<String>()
        for s in services where s.healthcheck?.disabled == true { disabledChecks.insert(s.name.rawValue) }
        guard !disabledChecks.isEmpty else { return }
        for s in services {
            for (dep, d) in s.dependsOn where d.condition == .healthy && disabledChecks.contains(dep) {
                let ref = site(s)?.references.first { $0.isDependency && $0.name == dep }
                ctx.error(
                    "unsatisfiable-dependency",
                    "service '\(s.name)' waits for '\(dep)' to be healthy, but '\(dep)' disables its healthcheck",
                    at: ref?.location, ref?.path ?? KeyPath(keys: "services", s.name.rawValue, "depends_on"),
                    hint: "use condition service_started, or give '\(dep)' a healthcheck")
            }
        }
    }

    private func undefined(_ ref: ServiceSite.Reference, _ what: String, _ section: String, _ known: [String]) {
        if written[section]?.contains(ref.name) == true { return }
        ctx.error(
            "undefined-\(what)", "\(what) '\(ref.name)' is not defined", at: ref.location, ref.path,
            hint: Suggestions.hint(for: ref.name, in: known.sorted())
                ?? "define it under the top-level '\(section):' section",
            notes: sectionNote(section, what))
    }

    /// Depth-first search in name order; each cycle is printed from its smallest name,
    /// so the same stack always gives the same message.
    private func checkCycles() {
        let index = Dictionary(services.enumerated().map { ($1.name.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        let edges: [[Int]] = services.map { s in s.dependsOn.keys.sorted().compactMap { index[$0] } }
        var state = [UInt8](repeating: 0, count: services.count)  // 0 new, 1 on stack, 2 done
        var reported = Set<[Int]>()
        for start in services.indices where state[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            var onStack: [Int] = [start]
            var position: [Int: Int] = [start: 0]
            state[start] = 1
            while var top = stack.last {
                if top.next < edges[top.node].count {
                    let child = edges[top.node][top.next]
                    top.next += 1
                    stack[stack.count - 1] = top
                    if state[child] == 0 {
                        state[child] = 1
                        position[child] = onStack.count
                        onStack.append(child)
                        stack.append((child, 0))
                    } else if state[child] == 1, let at = position[child] {
                        report(cycle: Array(onStack[at...]), &reported)
                    }
                } else {
                    state[top.node] = 2
                    position[top.node] = nil
                    onStack.removeLast()
                    stack.removeLast()
                }
            }
        }
    }

    private func report(cycle: [Int], _ reported: inout Set<[Int]>) {
        guard let minIndex = cycle.indices.min(by: { services[cycle[$0]].name < services[cycle[$1]].name }) else {
            return
        }
        let rotated = Array(cycle[minIndex...] + cycle[..<minIndex])
        guard reported.insert(rotated).inserted else { return }
        let names = rotated.map { services[$0].name.rawValue }
        let first = names[0], second = names.count > 1 ? names[1] : names[0]
        let ref = site(services[rotated[0]])?.references.first { $0.isDependency && $0.name == second }
        ctx.error(
            "dependency-cycle", "dependency cycle: " + (names + [first]).joined(separator: " → "),
            at: ref?.location ?? site(services[rotated[0]])?.nameLocation,
            ref?.path ?? KeyPath(keys: "services", first, "depends_on"),
            hint: "services cannot wait for each other; remove one of these depends_on entries")
    }

    private struct Binding {
        var service: Int
        var port: Int
        var ip: IPAddress?
    }

    /// Two bindings of the same host port and protocol clash when their addresses do:
    /// the same address, or either one bound to all addresses.
    private func checkPorts() {
        var byPort: [String: [Binding]] = [:]
        var reported = Set<[Int]>()
        for si in services.indices {
            for (pi, port) in services[si].ports.enumerated() {
                guard let range = port.published else { continue }
                let ip = port.hostIP.flatMap { $0.isUnspecified ? nil : $0 }
                for number in range.first...range.last {
                    let key = "\(port.protocol.rawValue)/\(number)"
                    let binding = Binding(service: si, port: pi, ip: ip)
                    if let other = byPort[key]?.first(where: { $0.ip == nil || ip == nil || $0.ip == ip }) {
                        if reported.insert([other.service, si, pi]).inserted {
                            reportPortClash(other, binding, number: number, proto: port.protocol)
                        }
                        continue
                    }
                    byPort[key, default: []].append(binding)
                }
            }
        }
    }

    private func reportPortClash(_ a: Binding, _ b: Binding, number: Int, proto: PortProtocol) {
        let sa = services[a.service], sb = services[b.service]
        guard let at = site(sb)?.ports[b.port], let first = site(sa)?.ports[a.port] else { return }
        let other = a.service == b.service ? "another entry of '\(sa.name)'" : "service '\(sa.name)'"
        ctx.error(
            "port-conflict",
            "host port \(number)/\(proto.rawValue) of service '\(sb.name)' is already published by \(other)",
            at: at.location, at.path, hint: "publish a different host port, or bind the two to different host IPs",
            notes: [.init("\(first.path) publishes it first", at: first.location)])
    }

    private func checkContainerNames() {
        var seen: [String: Service] = [:]
        for s in services where s.containerName != nil {
            guard let cn = s.containerName else { continue }
            if let other = seen[cn] {
                ctx.error(
                    "duplicate-container-name",
                    "services '\(other.name)' and '\(s.name)' both use container_name '\(cn)'",
                    at: site(s)?.containerName, KeyPath(keys: "services", s.name.rawValue, "container_name"),
                    hint: "container names must be unique",
                    notes: [.init("'\(other.name)' sets it here", at: site(other)?.containerName)])
            } else {
                seen[cn] = s
            }
        }
    }

    private struct SubnetUse {
        var cidr: CIDR
        var network: String
        var location: SourceLocation?
        var index: Int
    }

    /// Sort by start address, then one sweep: a subnet overlapping any earlier one
    /// overlaps the one reaching furthest.
    private func checkSubnets() {
        var uses: [SubnetUse] = []
        for (key, n) in networks where !n.external {
            for (i, s) in n.subnets.enumerated() {
                uses.append(SubnetUse(cidr: s.subnet, network: key, location: networkSites[key]?.subnets[i], index: i))
            }
        }
        uses.sort { ($0.cidr.network, $0.network, $0.index) < ($1.cidr.network, $1.network, $1.index) }
        var furthest: SubnetUse?
        for use in uses {
            if let f = furthest, f.cidr.address.isIPv4 == use.cidr.address.isIPv4, f.cidr.overlaps(use.cidr) {
                ctx.error(
                    "subnet-overlap",
                    "subnet \(use.cidr) of network '\(use.network)' overlaps subnet \(f.cidr) of network '\(f.network)'",
                    at: use.location,
                    KeyPath(keys: "networks", use.network, "ipam", "config").appending(index: use.index)
                        .appending("subnet"), hint: "give each network its own address range",
                    notes: [.init("\(f.cidr) is defined here", at: f.location)])
            }
            if furthest == nil || furthest.map({ $0.cidr.address.isIPv4 != use.cidr.address.isIPv4 }) == true
                || furthest.map({ $0.cidr.last < use.cidr.last }) == true
            {
                furthest = use
            }
        }
    }

    private func checkAddresses() {
        for si in services.indices {
            let name = services[si].name.rawValue
            guard let site = sites[name] else { continue }
            for (key, attachment) in services[si].networks {
                // An external network's subnet is known only at `up`, where the address is
                // checked against it before anything is created for the service.
                guard let network = networks[key], !network.external else { continue }
                for (ip, at, field) in [
                    (attachment.ipv4Address, site.addresses[key]?.ipv4, "ipv4_address"),
                    (attachment.ipv6Address, site.addresses[key]?.ipv6, "ipv6_address"),
                ] {
                    guard let ip else { continue }
                    let path = KeyPath(keys: "services", name, "networks", key, field)
                    let family = network.subnets.filter { $0.subnet.address.isIPv4 == ip.isIPv4 }
                    if family.isEmpty {
                        ctx.error(
                            "no-subnet",
                            "\(field) \(ip) needs network '\(key)' to have a configured \(ip.isIPv4 ? "IPv4" : "IPv6") subnet",
                            at: at, path, hint: "add ipam.config with a subnet to network '\(key)'")
                    } else if !family.contains(where: { $0.subnet.contains(ip) }) {
                        ctx.error(
                            "address-outside-subnet",
                            "\(field) \(ip) is outside the subnets of network '\(key)' (\(family.map(\.subnet.description).joined(separator: ", ")))",
                            at: at, path, hint: "pick an address inside the network's subnet")
                    }
                }
            }
        }
    }
}
