#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An IPv4 socket address in host byte order. It exists so the socket wrappers can take a
/// plain value and do the `sockaddr_in` byte-order dance in one place.
public struct SocketAddressV4: Hashable, Sendable, CustomStringConvertible {
    /// The address in host byte order: 127.0.0.1 is 0x7F00_0001.
    public var host: UInt32
    public var port: UInt16

    public init(host: UInt32, port: UInt16) {
        self.host = host
        self.port = port
    }

    public static func loopback(port: UInt16) -> SocketAddressV4 { SocketAddressV4(host: 0x7F00_0001, port: port) }

    public var description: String {
        "\(host >> 24).\((host >> 16) & 0xFF).\((host >> 8) & 0xFF).\(host & 0xFF):\(port)"
    }

    init(_ raw: sockaddr_in) {
        host = UInt32(bigEndian: raw.sin_addr.s_addr)
        port = UInt16(bigEndian: raw.sin_port)
    }

    var raw: sockaddr_in {
        var value = sockaddr_in()
        value.sin_family = sa_family_t(AF_INET)
        value.sin_port = port.bigEndian
        value.sin_addr = in_addr(s_addr: host.bigEndian)
        return value
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var value = raw
        return withUnsafePointer(to: &value) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}
