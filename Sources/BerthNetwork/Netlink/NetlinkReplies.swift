/// A network interface as the kernel reports it in an RTM_NEWLINK message.
public struct LinkInfo: Hashable, Sendable {
    public var index: Int32
    public var name: String
    public var flags: UInt32
    public var mtu: UInt32?
    /// The bridge this link is enslaved to, by index.
    public var masterIndex: Int32?
    /// `IFLA_INFO_KIND`: "bridge", "veth", or nil for physical/loopback devices.
    public var kind: String?

    public var isUp: Bool { flags & interfaceUpFlag != 0 }

    init(message: NetlinkMessage) throws(NetlinkDecodingError) {
        let payload = message.payload
        index = try payload.integer(at: 4)
        flags = try payload.integer(at: 8)
        guard payload.count >= 16 else { throw NetlinkDecodingError(reason: "ifinfomsg shorter than 16 bytes") }
        let attributes = try NetlinkAttributes(payload.dropFirst(16))
        name = attributes.string(LinkAttribute.name) ?? ""
        mtu = try attributes.uint32(LinkAttribute.mtu)
        masterIndex = try attributes.uint32(LinkAttribute.master).map { Int32(bitPattern: $0) }
        kind = try attributes.nested(LinkAttribute.linkInfo)?.string(LinkInfoAttribute.kind)
    }
}

/// An IPv4 address assigned to an interface (RTM_NEWADDR).
public struct AddressInfo: Hashable, Sendable {
    public var interfaceIndex: Int32
    public var address: InterfaceAddress

    init?(message: NetlinkMessage) throws(NetlinkDecodingError) {
        let payload = message.payload
        let family: UInt8 = try payload.integer(at: 0)
        guard family == AddressFamily.inet else { return nil }
        let prefixLength: UInt8 = try payload.integer(at: 1)
        interfaceIndex = Int32(bitPattern: try payload.integer(at: 4, as: UInt32.self))
        let attributes = try NetlinkAttributes(payload.dropFirst(8))
        guard let local = attributes.ipv4(AddressAttribute.local) ?? attributes.ipv4(AddressAttribute.address) else {
            return nil
        }
        address = InterfaceAddress(local, prefixLength: Int(prefixLength))
    }
}

/// An IPv4 route from a dump (RTM_NEWROUTE), with the table it lives in.
public struct RouteInfo: Hashable, Sendable {
    public var route: Route
    public var table: UInt32

    /// Whether this is in the main table, the one that decides where ordinary traffic goes.
    public var isMainTable: Bool { table == UInt32(RouteConstants.mainTable) }

    init?(message: NetlinkMessage) throws(NetlinkDecodingError) {
        let payload = message.payload
        let family: UInt8 = try payload.integer(at: 0)
        guard family == AddressFamily.inet else { return nil }
        let destinationLength = Int(try payload.integer(at: 1, as: UInt8.self))
        let headerTable: UInt8 = try payload.integer(at: 4)
        let attributes = try NetlinkAttributes(payload.dropFirst(12))
        table = try attributes.uint32(RouteAttribute.table) ?? UInt32(headerTable)
        var destination: IPv4Subnet?
        if destinationLength > 0 {
            guard let network = attributes.ipv4(RouteAttribute.destination) else { return nil }
            destination = IPv4Subnet(masking: network, prefixLength: destinationLength)
        }
        route = Route(
            destination: destination, gateway: attributes.ipv4(RouteAttribute.gateway),
            outputInterface: try attributes.uint32(RouteAttribute.outputInterface).map { Int32(bitPattern: $0) })
    }
}
