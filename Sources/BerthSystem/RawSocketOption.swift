#if canImport(Glibc)
    import Glibc
#endif

/// getsockopt on a raw IPv4 socket: how x_tables (iptables-legacy) hands out its tables, which
/// have no other interface. BerthFirewall reads the legacy FORWARD policy through it.
public enum RawSocketOption {
    /// Opens a raw socket (CAP_NET_RAW) in the calling thread's network namespace, calls
    /// getsockopt(level, option) with `buffer` as both input and output, and returns how many
    /// bytes the kernel filled in.
    public static func get(level: Int32, option: Int32, name: String, buffer: inout [UInt8]) throws(SystemCallError)
        -> Int
    {
        let fd = try retryingOnInterrupt("socket", "AF_INET, SOCK_RAW, IPPROTO_RAW") {
            socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_RAW))
        }
        defer { Glibc.close(fd) }
        var length = socklen_t(buffer.count)
        let count = buffer.count
        try retryingOnInterrupt("getsockopt", "\(fd), \(level), \(name), \(count) bytes") {
            buffer.withUnsafeMutableBytes { getsockopt(fd, level, option, $0.baseAddress, &length) }
        }
        return Int(length)
    }
}
