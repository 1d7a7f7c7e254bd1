import BerthSystem

/// An rtnetlink connection to the kernel, bound to the network namespace of the thread that
/// opened it (use `NetworkNamespace.run` to open one inside a container's namespace). One
/// request at a time: each is sent with a fresh sequence number and answered by an ACK, an
/// error, a single reply, or a multi-part dump. Not thread-safe; keep one per thread.
public final class RouteNetlink {
    private let socket: any NetlinkTransport
    private var sequence: UInt32 = 0
    /// Upper bound on datagrams read for one request, so a misbehaving peer cannot loop us.
    private let maximumReplyDatagrams = 100_000

    public init() throws(SystemCallError) {
        socket = try KernelNetlinkTransport()
    }

    /// Over `transport` instead of the kernel (tests record and answer the requests).
    public init(transport: any NetlinkTransport) {
        socket = transport
    }

    deinit { socket.close() }

    // MARK: links

    /// Creates a bridge; fails with EEXIST when the name is taken.
    @discardableResult
    public func createBridge(named name: String) throws -> LinkInfo {
        try InterfaceNames.validate(name)
        try perform(.createBridge(name: name))
        return try link(named: name)
    }

    /// Creates a veth pair; with `peerNamespace` the peer end is born inside that namespace,
    /// so it never appears (or collides by name) in the host namespace.
    public func createVethPair(named name: String, peerName: String, peerNamespace: NetworkNamespace? = nil) throws {
        try InterfaceNames.validate(name)
        try InterfaceNames.validate(peerName)
        try perform(.createVethPair(name: name, peerName: peerName, peerNamespace: peerNamespace?.descriptor))
    }

    public func link(named name: String) throws -> LinkInfo {
        let label = "look up link \"\(name)\""
        let replies = try perform(.getLink(name: name), label: label)
        guard let reply = replies.first(where: { $0.type == MessageType.newLink }) else {
            throw NetlinkError(operation: label, errno: nil, detail: "the kernel sent no link description")
        }
        return try decoding(label) { () throws(NetlinkDecodingError) in try LinkInfo(message: reply) }
    }

    /// The link, or nil when no link has that name (ENODEV).
    public func linkIfPresent(named name: String) throws -> LinkInfo? {
        do {
            return try link(named: name)
        } catch let error as NetlinkError where error.errno?.rawValue == ENODEV_VALUE {
            return nil
        }
    }

    public func links() throws -> [LinkInfo] {
        try perform(.dumpLinks).filter { $0.type == MessageType.newLink }.map { message in
            try decoding("list links") { () throws(NetlinkDecodingError) in try LinkInfo(message: message) }
        }
    }

    public func setUp(_ name: String) throws {
        try perform(.setUp(index: try link(named: name).index), label: "set link \"\(name)\" up")
    }

    public func setDown(_ name: String) throws {
        try perform(.setDown(index: try link(named: name).index), label: "set link \"\(name)\" down")
    }

    public func setMTU(_ name: String, _ mtu: UInt32) throws {
        try perform(.setMTU(index: try link(named: name).index, mtu: mtu), label: "set MTU \(mtu) on link \"\(name)\"")
    }

    /// Sets a link's MAC address (IFLA_ADDRESS); the link should be down.
    public func setHardwareAddress(_ name: String, _ address: [UInt8]) throws {
        try perform(
            .setHardwareAddress(index: try link(named: name).index, address: address),
            label: "set the MAC address of link \"\(name)\"")
    }

    public func setMaster(_ name: String, bridge: String) throws {
        let master = try link(named: bridge).index
        try perform(
            .setMaster(index: try link(named: name).index, masterIndex: master),
            label: "attach link \"\(name)\" to bridge \"\(bridge)\"")
    }

    public func move(_ name: String, to namespace: NetworkNamespace) throws {
        try perform(
            .moveToNamespace(index: try link(named: name).index, namespace: namespace.descriptor),
            label: "move link \"\(name)\" to \(namespace)")
    }

    public func rename(_ name: String, to newName: String) throws {
        try InterfaceNames.validate(newName)
        try perform(
            .rename(index: try link(named: name).index, newName: newName),
            label: "rename link \"\(name)\" to \"\(newName)\"")
    }

    /// Deletes a link; deleting one end of a veth pair deletes both.
    public func deleteLink(_ name: String) throws {
        try perform(.deleteLink(index: try link(named: name).index), label: "delete link \"\(name)\"")
    }

    // MARK: addresses

    public func addAddress(_ address: InterfaceAddress, to name: String) throws {
        try perform(
            .addAddress(index: try link(named: name).index, address),
            label: "add address \(address) to link \"\(name)\"")
    }

    public func deleteAddress(_ address: InterfaceAddress, from name: String) throws {
        try perform(
            .deleteAddress(index: try link(named: name).index, address),
            label: "delete address \(address) from link \"\(name)\"")
    }

    public func addresses() throws -> [AddressInfo] {
        try perform(.dumpAddresses).filter { $0.type == MessageType.newAddress }.compactMap { message in
            try decoding("list addresses") { () throws(NetlinkDecodingError) in try AddressInfo(message: message) }
        }
    }

    // MARK: routes

    public func addRoute(_ route: Route) throws { try perform(.addRoute(route)) }

    public func deleteRoute(_ route: Route) throws { try perform(.deleteRoute(route)) }

    public func routes() throws -> [RouteInfo] {
        try perform(.dumpRoutes).filter { $0.type == MessageType.newRoute }.compactMap { message in
            try decoding("list routes") { () throws(NetlinkDecodingError) in try RouteInfo(message: message) }
        }
    }

    // MARK: transport

    /// Sends `request` and collects its reply messages; throws `NetlinkError` on an NLMSG_ERROR.
    @discardableResult
    func perform(_ request: NetlinkRequest, label: String? = nil) throws -> [NetlinkMessage] {
        // A dump the kernel flags as interrupted (the table changed meanwhile) is retried.
        for _ in 0..<4 {
            let (replies, interrupted) = try performOnce(request, label: label)
            if !interrupted { return replies }
        }
        throw NetlinkError(
            operation: label ?? request.operation, errno: Errno.again,
            detail: "the kernel interrupted the dump four times because the table kept changing")
    }

    private func performOnce(_ request: NetlinkRequest, label: String?) throws -> ([NetlinkMessage], Bool) {
        let operation = label ?? request.operation
        var interrupted = false
        sequence &+= 1
        let expected = sequence
        do {
            try socket.send(request.encode(sequence: expected))
        } catch {
            throw NetlinkError(operation: operation, errno: error.errno, detail: "sending the request")
        }
        var replies: [NetlinkMessage] = []
        for _ in 0..<maximumReplyDatagrams {
            let datagram: [UInt8]
            do {
                datagram = try socket.receive()
            } catch {
                throw NetlinkError(operation: operation, errno: error.errno, detail: "waiting for the kernel's reply")
            }
            let messages = try decoding(operation) { () throws(NetlinkDecodingError) in
                try NetlinkMessage.split(datagram)
            }
            for message in messages where message.sequence == expected {
                if message.flags & MessageFlags.dumpInterrupted != 0 { interrupted = true }
                switch message.type {
                case MessageType.error:
                    let failure = try decoding(operation) { () throws(NetlinkDecodingError) in
                        try NetlinkError.decode(message, operation: operation)
                    }
                    if let failure { throw failure }
                    return (replies, interrupted)
                case MessageType.done:
                    let code: Int32 = (try? message.payload.integer(at: 0)) ?? 0
                    if code < 0 { throw NetlinkError(operation: operation, errno: Errno(rawValue: -code)) }
                    return (replies, interrupted)
                default:
                    replies.append(message)
                    // A single non-dump reply without NLM_F_MULTI is the whole answer.
                    if !request.isDump && message.flags & MessageFlags.multi == 0 { return (replies, interrupted) }
                }
            }
        }
        throw NetlinkError(
            operation: operation, errno: nil, detail: "no end of reply after \(maximumReplyDatagrams) datagrams")
    }

    private func decoding<T>(_ operation: String, _ body: () throws(NetlinkDecodingError) -> T) throws(NetlinkError)
        -> T
    {
        do {
            return try body()
        } catch {
            throw NetlinkError(operation: operation, errno: nil, detail: error.description)
        }
    }
}

#if canImport(Glibc)
    import Glibc
    let ENODEV_VALUE = ENODEV
#elseif canImport(Musl)
    import Musl
    let ENODEV_VALUE = ENODEV
#endif
