import BerthSystem
import Synchronization

/// Where berth's DNS server sends names it does not know: the host's resolvers (from the
/// resolv.conf of the namespace berth runs in), or a service's own `dns:` servers for queries
/// from that service's containers. Replaced whole by the network daemon each pass.
public final class DNSUpstream: Sendable {
    private struct Servers {
        var defaults: [SocketAddressV4] = []
        var perAsker: [IPv4Address: [SocketAddressV4]] = [:]
    }

    private let servers = Mutex(Servers())

    public init() {}

    /// `defaults` serve every asker without an entry in `perAsker` (container address → the
    /// servers its service names with `dns:`).
    public func replaceAll(defaults: [IPv4Address], perAsker: [IPv4Address: [IPv4Address]]) {
        let next = Servers(
            defaults: defaults.map { $0.socketAddress(port: 53) },
            perAsker: perAsker.mapValues { $0.map { $0.socketAddress(port: 53) } })
        servers.withLock { $0 = next }
    }

    /// The servers to ask, in order, for a query from `asker`; empty means answer NXDOMAIN.
    public func servers(for asker: IPv4Address?) -> [SocketAddressV4] {
        servers.withLock { current in asker.flatMap { current.perAsker[$0] } ?? current.defaults }
    }

    /// The IPv4 `nameserver` lines of a resolv.conf, in order (IPv6 ones are skipped: berth's
    /// upstream path is IPv4).
    public static func nameservers(inResolvConf text: String) -> [IPv4Address] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { return nil }
            return IPv4Address(String(fields[1]))
        }
    }
}
