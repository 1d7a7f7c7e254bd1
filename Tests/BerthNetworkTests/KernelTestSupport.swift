import BerthSystem
import Testing

@testable import BerthNetwork

/// A random tag so names of kernel objects from concurrent or leftover runs never clash.
func uniqueTag() -> String { String(UInt32.random(in: 0...UInt32.max), radix: 16) }

/// Test subnets come from the upper half of berth's pool, skipping whatever the host routes.
func freeTestSubnets(_ count: Int, using netlink: RouteNetlink) throws -> [IPv4Subnet] {
    let pool = try AddressPool(base: try IPv4Subnet(parsing: "10.213.128.0/17"), subnetPrefixLength: 24)
    var inUse = try netlink.subnetsInUse()
    var result: [IPv4Subnet] = []
    for _ in 0..<count {
        let subnet = try pool.firstFree(avoiding: inUse)
        inUse.append(subnet)
        result.append(subnet)
    }
    return result
}

/// Opens a TCP listener on `address` inside `namespace`; the socket stays in that namespace.
func listen(in namespace: NetworkNamespace, on address: SocketAddressV4) throws -> Socket {
    try namespace.run {
        let socket = try Socket.open(.tcp)
        do {
            try socket.setReuseAddress()
            try socket.bind(to: address)
            try socket.listen()
        } catch {
            socket.close()
            throw error
        }
        return socket
    }
}

/// Connects from inside `namespace`, sends `message`, and returns the error if the connection
/// could not be made within `timeout`.
func connectOutcome(from namespace: NetworkNamespace, to address: SocketAddressV4, timeout: Duration, message: String)
    throws -> SystemCallError?
{
    try namespace.run { () -> SystemCallError? in
        let socket = try Socket.open(.tcp)
        defer { socket.close() }
        do throws(SystemCallError) {
            try socket.connect(to: address, timeout: timeout)
        } catch {
            return error
        }
        try socket.sendAll(Array(message.utf8))
        return nil
    }
}

/// Accepts one connection (bounded wait) and reads what the peer sent until it closes.
func acceptAndRead(_ listener: Socket, timeout: Duration) throws -> String? {
    guard try Poll.wait(for: listener.descriptor, events: Int16(POLLIN_VALUE), timeout: timeout),
        let (connection, _) = try listener.accept()
    else { return nil }
    defer { connection.close() }
    return try readAll(connection, timeout: timeout)
}

/// Reads until end-of-stream or `timeout`.
func readAll(_ socket: Socket, timeout: Duration) throws -> String {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        guard
            try Poll.wait(
                for: socket.descriptor, events: Int16(POLLIN_VALUE), timeout: ContinuousClock.now.duration(to: deadline)
            )
        else { break }
        let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
        guard let count else { continue }
        if count == 0 { break }
        received += buffer.prefix(count)
    }
    return String(decoding: received, as: UTF8.self)
}

#if canImport(Glibc)
    import Glibc
    let POLLIN_VALUE = POLLIN
    let POLLOUT_VALUE = POLLOUT
#endif
