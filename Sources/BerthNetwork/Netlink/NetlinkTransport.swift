import BerthSystem

/// What `RouteNetlink` needs from the kernel: send one request, receive one datagram of
/// replies. The real transport is a `NetlinkSocket`; a test hands in one that records the
/// requests and answers from a script, so bridge, address and route code is checked without
/// root or a kernel.
public protocol NetlinkTransport: AnyObject {
    func send(_ message: [UInt8]) throws(SystemCallError)
    func receive() throws(SystemCallError) -> [UInt8]
    func close()
}

/// The kernel's rtnetlink, through an `AF_NETLINK` socket.
final class KernelNetlinkTransport: NetlinkTransport {
    private let socket: NetlinkSocket

    init() throws(SystemCallError) { socket = try NetlinkSocket.open() }

    func send(_ message: [UInt8]) throws(SystemCallError) { try socket.send(message) }
    func receive() throws(SystemCallError) -> [UInt8] { try socket.receive() }
    func close() { socket.close() }
}
