import BerthDiagnostics
import BerthStackFile

/// How a service joins one network (`networks:` entry of a service).
public struct NetworkAttachment: Hashable, Sendable {
    public var aliases: [String] = []
    public var ipv4Address: IPAddress?
    public var ipv6Address: IPAddress?
    /// Higher priority networks are connected first.
    public var priority: Int?
    /// Which network provides the default gateway.
    public var gatewayPriority: Int?

    var isDefault: Bool { self == NetworkAttachment() }

    /// Where the written addresses sit, for subnet checks.
    struct Sites {
        var ipv4: SourceLocation?
        var ipv6: SourceLocation?
    }

    static let keys: Set<String> = ["aliases", "ipv4_address", "ipv6_address", "priority", "gw_priority"]
    static let unsupported: [String: String] = [
        "link_local_ips": "", "mac_address": "", "driver_opts": "per-endpoint driver options are not implemented",
        "interface_name": "",
    ]

    static func parse(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> (NetworkAttachment, Sites)? {
        var a = NetworkAttachment()
        var sites = Sites()
        if node.isNull { return (a, sites) }
        guard let m = ctx.mapping(node, path) else { return nil }
        ctx.checkKeys(m, path, allowed: keys, unsupported: unsupported, what: "a service network")
        if let v = m["aliases"], !v.isNull { a.aliases = ctx.strings(v, path.appending("aliases")) ?? [] }
        for (key, v4) in [("ipv4_address", true), ("ipv6_address", false)] {
            guard let v = m[key], !v.isNull, let t = ctx.text(v, path.appending(key)) else { continue }
            guard let ip = IPAddress(t), ip.isIPv4 == v4 else {
                ctx.error(
                    "invalid-value", "'\(t)' is not an \(v4 ? "IPv4" : "IPv6") address", at: v.location,
                    path.appending(key), hint: "write an address such as 172.28.0.10 or fd00::10")
                continue
            }
            if v4 {
                a.ipv4Address = ip
                sites.ipv4 = v.location
            } else {
                a.ipv6Address = ip
                sites.ipv6 = v.location
            }
        }
        if let v = m["priority"], !v.isNull { a.priority = ctx.int(v, path.appending("priority")) }
        if let v = m["gw_priority"], !v.isNull { a.gatewayPriority = ctx.int(v, path.appending("gw_priority")) }
        return (a, sites)
    }

    var canonical: Value {
        if isDefault { return .null }
        var m = ValueMap()
        if !aliases.isEmpty { m.set("aliases", strings: aliases) }
        m.set("ipv4_address", ipv4Address?.description)
        m.set("ipv6_address", ipv6Address?.description)
        m.set("priority", priority)
        m.set("gw_priority", gatewayPriority)
        return m.value
    }
}
