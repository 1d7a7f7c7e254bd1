import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Checks whether a host port can be published, before anything else is started, so
/// `berth up` fails early with a message naming the port rather than half-way through.
public enum PortProbe {
    public static func checkAvailable(_ address: SocketAddressV4, _ kind: Socket.Kind) throws(PortUnavailableError) {
        let socket = try PortUnavailableError.wrap(address, kind) { () throws(SystemCallError) in try Socket.open(kind)
        }
        defer { socket.close() }
        try PortUnavailableError.wrap(address, kind) { () throws(SystemCallError) in
            // The proxy binds with SO_REUSEADDR too, so TIME_WAIT leftovers do not count as "in use".
            if kind == .tcp { try socket.setReuseAddress() }
            try socket.bind(to: address)
            if kind == .tcp { try socket.listen(backlog: 1) }
        }
    }
}

/// A host port that cannot be published, with the reason in words.
public struct PortUnavailableError: Error, Sendable, CustomStringConvertible {
    public var address: SocketAddressV4
    public var kind: Socket.Kind
    public var underlying: SystemCallError

    public var description: String {
        let port = "\(address)/\(kind == .tcp ? "tcp" : "udp")"
        switch underlying.errno.rawValue {
        case EADDRINUSE:
            return
                "cannot publish \(port): the port is already in use by another program; stop it or choose another host port"
        case EADDRNOTAVAIL:
            return
                "cannot publish \(port): the host IP is not an address of this machine; use one of its addresses or 0.0.0.0"
        case EACCES:
            return
                "cannot publish \(port): permission denied binding a privileged port; run as root or use a port above 1023"
        default:
            return "cannot publish \(port): \(underlying)"
        }
    }

    static func wrap<T>(_ address: SocketAddressV4, _ kind: Socket.Kind, _ body: () throws(SystemCallError) -> T)
        throws(PortUnavailableError) -> T
    {
        do {
            return try body()
        } catch {
            throw PortUnavailableError(address: address, kind: kind, underlying: error)
        }
    }
}
