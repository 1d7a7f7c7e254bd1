import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Per-interface IPv4 settings under /proc/sys/net, which apply to the network namespace of
/// the calling thread.
enum InterfaceSysctl {
    /// Turns off IPv4 forwarding for packets arriving on `interface`. The kernel checks the
    /// *input* device's flag before routing a packet onward, so even when the host has
    /// `net.ipv4.ip_forward=1` for its own reasons, nothing entering a berth bridge is routed
    /// to another bridge or out of the host. Internal networks keep it off.
    static func disableForwarding(on interface: String) throws {
        try write("/proc/sys/net/ipv4/conf/\(interface)/forwarding", "0")
    }

    /// Turns on IPv4 forwarding for packets arriving on `interface` (a routed network's bridge,
    /// the host's uplink); which of those packets may pass is BerthFirewall's rules' business.
    static func enableForwarding(on interface: String) throws {
        try write("/proc/sys/net/ipv4/conf/\(interface)/forwarding", "1")
    }

    /// Lets packets with a loopback source leave through `interface` (a routed network's
    /// bridge): published ports on 127.0.0.1 are DNATed to containers by the kernel, and
    /// BerthFirewall masquerades those packets as the gateway on the way out.
    static func enableRouteLocalnet(on interface: String) throws {
        try write("/proc/sys/net/ipv4/conf/\(interface)/route_localnet", "1")
    }

    static func read(_ path: String) throws -> String {
        let fd = try FileDescriptor.open(path, O_RDONLY)
        defer { fd.close() }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = try buffer.withUnsafeMutableBytes { raw in try fd.read(into: raw) }
        return String(decoding: buffer.prefix(count), as: UTF8.self).trimmingWhitespace()
    }

    static func write(_ path: String, _ value: String) throws {
        let fd = try FileDescriptor.open(path, O_WRONLY)
        defer { fd.close() }
        try fd.writeAll(Array(value.utf8))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
