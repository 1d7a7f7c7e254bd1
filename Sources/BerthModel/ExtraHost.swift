import BerthDiagnostics
import BerthStackFile

/// One `/etc/hosts` line added to a container: `host:ip`, `host=ip`, or a map entry.
public struct ExtraHost: Hashable, Sendable {
    public var hostname: String
    /// An IP address, or `host-gateway` (resolved by the runtime to the host side).
    public var address: String

    static func check(_ host: String, _ address: String) throws(ValueError) -> ExtraHost {
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "\t" }) else {
            throw ValueError("'\(host)' is not a hostname")
        }
        var addr = address
        if addr.hasPrefix("["), addr.hasSuffix("]") { addr = String(addr.dropFirst().dropLast()) }
        guard addr == "host-gateway" || IPAddress(addr) != nil else {
            throw ValueError(
                "'\(address)' for host '\(host)' is not an IP address", hint: "use an IP address or 'host-gateway'")
        }
        return ExtraHost(hostname: host, address: addr)
    }

    static func parseAll(_ node: Node, _ path: KeyPath, _ ctx: ParseContext) -> [ExtraHost]? {
        var out: [ExtraHost] = []
        if let m = node.mapping {
            for e in m.entries {
                let p = path.appending(e.key)
                let addresses: [String]
                if e.value.sequence != nil {
                    addresses = ctx.strings(e.value, p) ?? []
                } else if let t = ctx.text(e.value, p) {
                    addresses = [t]
                } else {
                    continue
                }
                for a in addresses {
                    do { out.append(try check(e.key, a)) } catch { ctx.invalid(e.value, p, error) }
                }
            }
            return out
        }
        guard let items = ctx.sequence(node, path) else { return nil }
        for (i, item) in items.enumerated() {
            let p = path.appending(index: i)
            guard let t = ctx.text(item, p) else { continue }
            let sep = t.firstIndex(of: "=") ?? t.firstIndex(of: ":")
            guard let sep else {
                ctx.error(
                    "invalid-value", "'\(t)' is not a host entry", at: item.location, p,
                    hint: "write HOST=IP or HOST:IP")
                continue
            }
            do {
                out.append(try check(String(t[..<sep]), String(t[t.index(after: sep)...])))
            } catch { ctx.invalid(item, p, error) }
        }
        return out
    }

    var canonical: Value { .string("\(hostname)=\(address)") }
}
