#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A raw `AF_NETLINK` socket. It is bound to the network namespace of the thread that opens
/// it, which is how berth configures a container's interfaces without entering it for long.
public struct NetlinkSocket: Sendable {
    public let descriptor: FileDescriptor

    /// Opens a netlink socket for `netlinkProtocol` (0 is NETLINK_ROUTE) with extended acks, so
    /// kernel errors come back with their human-readable message, and a receive timeout, so a
    /// lost reply cannot hang berth.
    public static func open(protocol netlinkProtocol: Int32 = 0, receiveTimeout: Duration = .seconds(5))
        throws(SystemCallError) -> NetlinkSocket
    {
        let fd = try retryingOnInterrupt("socket", "AF_NETLINK, SOCK_RAW, \(netlinkProtocol)") {
            socket(AF_NETLINK, Int32(SOCK_RAW.rawValue | SOCK_CLOEXEC.rawValue), netlinkProtocol)
        }
        let netlink = NetlinkSocket(descriptor: FileDescriptor(rawValue: fd))
        do throws(SystemCallError) {
            var one: Int32 = 1
            let solNetlink: Int32 = 270
            // NETLINK_CAP_ACK (10): errors do not echo the whole request back.
            // NETLINK_EXT_ACK (11): errors carry the kernel's message text.
            for (option, name) in [(Int32(10), "NETLINK_CAP_ACK"), (Int32(11), "NETLINK_EXT_ACK")] {
                try retryingOnInterrupt("setsockopt", "\(fd), SOL_NETLINK, \(name)") {
                    setsockopt(fd, solNetlink, option, &one, socklen_t(MemoryLayout<Int32>.size))
                }
            }
            var timeout = timeval(
                tv_sec: Int(receiveTimeout.components.seconds),
                tv_usec: Int(receiveTimeout.components.attoseconds / 1_000_000_000_000))
            try retryingOnInterrupt("setsockopt", "\(fd), SO_RCVTIMEO") {
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            }
        } catch {
            netlink.close()
            throw error
        }
        return netlink
    }

    private init(descriptor: FileDescriptor) { self.descriptor = descriptor }

    public func close() { descriptor.close() }

    /// Sends one request to the kernel (netlink port 0).
    public func send(_ message: [UInt8]) throws(SystemCallError) {
        let fd = descriptor.rawValue
        let result = message.withUnsafeBytes { raw in
            Result { () throws(SystemCallError) in
                try retryingOnInterrupt("send", "netlink fd \(fd), \(raw.count) bytes") {
                    Glibc.send(fd, raw.baseAddress, raw.count, 0)
                }
            }
        }
        let sent = try result.get()
        if sent != message.count {
            throw SystemCallError("send", "netlink fd \(fd): sent \(sent) of \(message.count) bytes", errno: .invalid)
        }
    }

    /// Receives one datagram (one or more netlink messages).
    public func receive() throws(SystemCallError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let fd = descriptor.rawValue
        let result = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(SystemCallError) in
                try retryingOnInterrupt("recv", "netlink fd \(fd)") { recv(fd, raw.baseAddress, raw.count, 0) }
            }
        }
        let count = try result.get()
        return Array(buffer.prefix(count))
    }
}
