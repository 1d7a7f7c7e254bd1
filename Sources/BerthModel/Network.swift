import BerthDiagnostics
import BerthStackFile

/// A top-level network. berth implements bridge networks only.
public struct Network: Hashable, Sendable {
    public struct Subnet: Hashable, Sendable {
        public var subnet: CIDR
        public var gateway: IPAddress?
        public var ipRange: CIDR?
    }

    /// The key under `networks:`.
    public var key: String
    /// The name of the network on the host: `PROJECT_KEY` unless `name:` or external.
    public var name: String
    public var external = false
    public var `internal` = false
    public var attachable = false
    public var enableIPv6: Bool?
    public var subnets: [Subnet] = []
    public var labels: [String: String] = [:]
    public var extensions: [String: Value] = [:]

    /// Where each subnet was written, parallel to `subnets`.
    struct Sites {
        var key: SourceLocation
        var subnets: [SourceLocation] = []
    }

    static let keys: Set<String> = [
        "driver", "driver_opts", "internal", "ipam", "external", "name", "labels", "attachable", "enable_ipv6",
        "enable_ipv4",
    ]

    static func parse(key: String, node: Node, keyLocation: SourceLocation, project: String, _ ctx: ParseContext)
        -> (Network, Sites)?
    {
        let path = KeyPath(keys: "networks", key)
        var n = Network(key: key, name: "\(project)_\(key)")
        var sites = Sites(key: keyLocation)
        if node.isNull { return (n, sites) }
        guard let m = ctx.mapping(node, path) else { return nil }
        let before = ctx.errorCount
        ctx.checkKeys(m, path, allowed: keys, what: "network '\(key)'")
        if let v = m["driver"], !v.isNull, let t = ctx.text(v, path.appending("driver")), t != "bridge" {
            ctx.error(
                "unsupported-value", "berth supports only 'bridge' networks, not '\(t)'", at: v.location,
                path.appending("driver"), hint: "remove 'driver' or set it to bridge")
        }
        if let v = m["driver_opts"], !v.isNull, let opts = ctx.mapping(v, path.appending("driver_opts")),
            !opts.isEmpty
        {
            ctx.error(
                "unsupported-key", "berth does not support 'driver_opts' for networks yet",
                at: m.entry("driver_opts")?.keyLocation, path.appending("driver_opts"),
                hint: "remove the driver options")
        }
        let external = ctx.external(m, path, what: "network '\(key)'")
        n.external = external.external
        if let t = external.name {
            n.name = t
        } else if let v = m["name"], !v.isNull, let t = ctx.text(v, path.appending("name")) {
            // Checked with the other resource names in TopologyBuilder.checkResourceNames.
            n.name = t
        } else if n.external {
            n.name = key
        }
        if let v = m["internal"], !v.isNull { n.internal = ctx.bool(v, path.appending("internal")) ?? false }
        if let v = m["attachable"], !v.isNull { n.attachable = ctx.bool(v, path.appending("attachable")) ?? false }
        if let v = m["enable_ipv6"], !v.isNull { n.enableIPv6 = ctx.bool(v, path.appending("enable_ipv6")) }
        if let v = m["enable_ipv4"], !v.isNull, ctx.bool(v, path.appending("enable_ipv4")) == false {
            ctx.error(
                "unsupported-value", "berth does not support IPv6-only networks", at: v.location,
                path.appending("enable_ipv4"), hint: "remove 'enable_ipv4: false'")
        }
        if let v = m["labels"], !v.isNull { n.labels = ctx.stringMap(v, path.appending("labels")) ?? [:] }
        if let v = m["ipam"], !v.isNull { parseIPAM(v, path.appending("ipam"), ctx, into: &n, sites: &sites) }
        n.extensions = ctx.extensions(m)
        if n.external {
            for e in m.entries where !["external", "name"].contains(e.key) && !e.key.hasPrefix("x-") {
                ctx.error(
                    "conflicting-keys", "external network '\(key)' cannot also set '\(e.key)'", at: e.keyLocation,
                    path.appending(e.key), hint: "an external network is created outside the stack; remove '\(e.key)'")
            }
        }
        return ctx.errorCount == before ? (n, sites) : nil
    }

    private static func parseIPAM(
        _ node: Node, _ path: KeyPath, _ ctx: ParseContext, into n: inout Network, sites: inout Sites
    ) {
        guard let m = ctx.mapping(node, path) else { return }
        ctx.checkKeys(
            m, path, allowed: ["driver", "config"],
            unsupported: ["options": "IPAM driver options are not implemented"], what: "ipam")
        if let v = m["driver"], !v.isNull, let t = ctx.text(v, path.appending("driver")), t != "default" {
            ctx.error(
                "unsupported-value", "berth supports only the default IPAM driver, not '\(t)'", at: v.location,
                path.appending("driver"), hint: "remove 'ipam.driver'")
        }
        guard let v = m["config"], !v.isNull, let items = ctx.sequence(v, path.appending("config")) else { return }
        for (i, item) in items.enumerated() {
            let p = path.appending("config").appending(index: i)
            guard let c = ctx.mapping(item, p) else { continue }
            ctx.checkKeys(
                c, p, allowed: ["subnet", "gateway", "ip_range"],
                unsupported: ["aux_addresses": "reserve the addresses by leaving them out of ip_range"],
                what: "an ipam config")
            guard let sn = c["subnet"] else {
                ctx.error(
                    "missing-key", "the ipam config needs a 'subnet'", at: item.location, p,
                    hint: "add 'subnet:' such as 172.28.0.0/16")
                continue
            }
            guard let subnet = ctx.parse(sn, p.appending("subnet"), { t throws(ValueError) in try CIDR(parsing: t) })
            else { continue }
            var s = Subnet(subnet: subnet)
            if let g = c["gateway"], !g.isNull, let t = ctx.text(g, p.appending("gateway")) {
                if let ip = IPAddress(t), subnet.contains(ip) {
                    s.gateway = ip
                } else {
                    ctx.error(
                        "invalid-value", "gateway '\(t)' is not an address in subnet \(subnet)", at: g.location,
                        p.appending("gateway"), hint: "pick a gateway inside the subnet, usually its first address")
                }
            }
            if let r = c["ip_range"], !r.isNull,
                let range = ctx.parse(r, p.appending("ip_range"), { t throws(ValueError) in try CIDR(parsing: t) })
            {
                if subnet.contains(range.network), subnet.contains(range.last) {
                    s.ipRange = range
                } else {
                    ctx.error(
                        "invalid-value", "ip_range \(range) is not inside subnet \(subnet)", at: r.location,
                        p.appending("ip_range"), hint: "ip_range must be a part of the subnet")
                }
            }
            if !subnet.address.isIPv4, n.enableIPv6 != true {
                ctx.error(
                    "invalid-value", "IPv6 subnet \(subnet) on a network without IPv6", at: sn.location,
                    p.appending("subnet"), hint: "add 'enable_ipv6: true' to the network")
            }
            n.subnets.append(s)
            sites.subnets.append(sn.location)
        }
    }

    var canonical: Value {
        var m = ValueMap()
        m.set("name", name)
        if external {
            m.set("external", true)
            return m.value
        }
        m.flag("internal", `internal`)
        m.flag("attachable", attachable)
        m.set("enable_ipv6", enableIPv6)
        if !labels.isEmpty { m.set("labels", stringMap: labels) }
        if !subnets.isEmpty {
            m.set(
                "ipam",
                .map([
                    "config": .list(
                        subnets.map { s in
                            var c = ValueMap()
                            c.set("subnet", s.subnet.description)
                            c.set("gateway", s.gateway?.description)
                            c.set("ip_range", s.ipRange?.description)
                            return c.value
                        })
                ]))
        }
        for (k, v) in extensions { m.set(k, v) }
        return m.value
    }
}
