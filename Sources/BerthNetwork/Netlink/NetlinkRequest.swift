import BerthSystem

/// An interface address with its prefix, e.g. 10.213.1.1/24 on a bridge.
public struct InterfaceAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var prefixLength: Int

    public init(_ address: IPv4Address, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

/// An IPv4 route in the main table: a destination subnet reached through a gateway, a
/// device, or both. A `nil` destination is the default route.
public struct Route: Hashable, Sendable, CustomStringConvertible {
    public var destination: IPv4Subnet?
    public var gateway: IPv4Address?
    public var outputInterface: Int32?

    public init(destination: IPv4Subnet?, gateway: IPv4Address? = nil, outputInterface: Int32? = nil) {
        self.destination = destination
        self.gateway = gateway
        self.outputInterface = outputInterface
    }

    public var description: String {
        var text = destination.map(\.description) ?? "default"
        if let gateway { text += " via \(gateway)" }
        if let outputInterface { text += " dev #\(outputInterface)" }
        return text
    }
}

/// One rtnetlink request, typed. `encode(sequence:)` produces exactly the bytes sent to the
/// kernel, so the wire format is tested without a kernel.
enum NetlinkRequest: Hashable, Sendable {
    case createBridge(name: String)
    /// A veth pair; the peer is created directly inside `peerNamespace` when given.
    case createVethPair(name: String, peerName: String, peerNamespace: FileDescriptor?)
    case setMaster(index: Int32, masterIndex: Int32)
    case setUp(index: Int32)
    case setDown(index: Int32)
    case setMTU(index: Int32, mtu: UInt32)
    case setHardwareAddress(index: Int32, address: [UInt8])
    case moveToNamespace(index: Int32, namespace: FileDescriptor)
    case rename(index: Int32, newName: String)
    case deleteLink(index: Int32)
    case getLink(name: String)
    case dumpLinks
    case addAddress(index: Int32, InterfaceAddress)
    case deleteAddress(index: Int32, InterfaceAddress)
    case dumpAddresses
    case addRoute(Route)
    case deleteRoute(Route)
    case dumpRoutes

    /// True when the kernel answers with a multi-part dump ending in NLMSG_DONE.
    var isDump: Bool {
        switch self {
        case .dumpLinks, .dumpAddresses, .dumpRoutes: true
        default: false
        }
    }

    /// What a person would call this operation, for error messages.
    var operation: String {
        switch self {
        case .createBridge(let name): "create bridge \"\(name)\""
        case .createVethPair(let name, let peer, let namespace):
            "create veth pair \"\(name)\"/\"\(peer)\""
                + (namespace.map { " with the peer in namespace fd \($0.rawValue)" } ?? "")
        case .setMaster(let index, let master): "attach link #\(index) to bridge #\(master)"
        case .setUp(let index): "set link #\(index) up"
        case .setDown(let index): "set link #\(index) down"
        case .setMTU(let index, let mtu): "set MTU \(mtu) on link #\(index)"
        case .setHardwareAddress(let index, let address):
            "set hardware address \(address.map { String($0, radix: 16) }.joined(separator: ":")) on link #\(index)"
        case .moveToNamespace(let index, let namespace): "move link #\(index) to namespace fd \(namespace.rawValue)"
        case .rename(let index, let name): "rename link #\(index) to \"\(name)\""
        case .deleteLink(let index): "delete link #\(index)"
        case .getLink(let name): "look up link \"\(name)\""
        case .dumpLinks: "list links"
        case .addAddress(let index, let address): "add address \(address) to link #\(index)"
        case .deleteAddress(let index, let address): "delete address \(address) from link #\(index)"
        case .dumpAddresses: "list addresses"
        case .addRoute(let route): "add route \(route)"
        case .deleteRoute(let route): "delete route \(route)"
        case .dumpRoutes: "list routes"
        }
    }

    func encode(sequence: UInt32) -> [UInt8] {
        let request = MessageFlags.request
        let change = request | MessageFlags.ack
        let create = change | MessageFlags.create | MessageFlags.excl
        switch self {
        case .createBridge(let name):
            var message = NetlinkEncoder(type: MessageType.newLink, flags: create, sequence: sequence)
            message.appendInterfaceInfo()
            message.attribute(LinkAttribute.name, string: name)
            message.nested(LinkAttribute.linkInfo) { $0.attribute(LinkInfoAttribute.kind, string: "bridge") }
            return message.finish()
        case .createVethPair(let name, let peerName, let peerNamespace):
            var message = NetlinkEncoder(type: MessageType.newLink, flags: create, sequence: sequence)
            message.appendInterfaceInfo()
            message.attribute(LinkAttribute.name, string: name)
            message.nested(LinkAttribute.linkInfo) { info in
                info.attribute(LinkInfoAttribute.kind, string: "veth")
                info.nested(LinkInfoAttribute.data) { data in
                    // VETH_INFO_PEER carries a whole ifinfomsg plus the peer's own attributes.
                    data.nested(VethAttribute.peer) { peer in
                        peer.appendInterfaceInfo()
                        peer.attribute(LinkAttribute.name, string: peerName)
                        if let peerNamespace {
                            peer.attribute(
                                LinkAttribute.namespaceFD, uint32: UInt32(bitPattern: peerNamespace.rawValue))
                        }
                    }
                }
            }
            return message.finish()
        case .setMaster(let index, let master):
            return setLink(index, sequence) { $0.attribute(LinkAttribute.master, uint32: UInt32(bitPattern: master)) }
        case .setUp(let index):
            var message = NetlinkEncoder(type: MessageType.setLink, flags: change, sequence: sequence)
            message.appendInterfaceInfo(index: index, flags: interfaceUpFlag, change: interfaceUpFlag)
            return message.finish()
        case .setDown(let index):
            var message = NetlinkEncoder(type: MessageType.setLink, flags: change, sequence: sequence)
            message.appendInterfaceInfo(index: index, flags: 0, change: interfaceUpFlag)
            return message.finish()
        case .setMTU(let index, let mtu):
            return setLink(index, sequence) { $0.attribute(LinkAttribute.mtu, uint32: mtu) }
        case .setHardwareAddress(let index, let address):
            return setLink(index, sequence) { $0.attribute(LinkAttribute.address, address) }
        case .moveToNamespace(let index, let namespace):
            return setLink(index, sequence) {
                $0.attribute(LinkAttribute.namespaceFD, uint32: UInt32(bitPattern: namespace.rawValue))
            }
        case .rename(let index, let name):
            return setLink(index, sequence) { $0.attribute(LinkAttribute.name, string: name) }
        case .deleteLink(let index):
            var message = NetlinkEncoder(type: MessageType.deleteLink, flags: change, sequence: sequence)
            message.appendInterfaceInfo(index: index)
            return message.finish()
        case .getLink(let name):
            var message = NetlinkEncoder(type: MessageType.getLink, flags: request, sequence: sequence)
            message.appendInterfaceInfo()
            message.attribute(LinkAttribute.name, string: name)
            return message.finish()
        case .dumpLinks:
            var message = NetlinkEncoder(
                type: MessageType.getLink, flags: request | MessageFlags.dump, sequence: sequence)
            message.appendInterfaceInfo()
            return message.finish()
        case .addAddress(let index, let address):
            return addressMessage(MessageType.newAddress, create, index, address, sequence)
        case .deleteAddress(let index, let address):
            return addressMessage(MessageType.deleteAddress, change, index, address, sequence)
        case .dumpAddresses:
            var message = NetlinkEncoder(
                type: MessageType.getAddress, flags: request | MessageFlags.dump, sequence: sequence)
            appendAddressHeader(&message, index: 0, prefixLength: 0)
            return message.finish()
        case .addRoute(let route):
            return routeMessage(MessageType.newRoute, create, route, sequence, forDeletion: false)
        case .deleteRoute(let route):
            return routeMessage(MessageType.deleteRoute, change, route, sequence, forDeletion: true)
        case .dumpRoutes:
            var message = NetlinkEncoder(
                type: MessageType.getRoute, flags: request | MessageFlags.dump, sequence: sequence)
            appendRouteHeader(&message, destinationLength: 0, table: 0, protocol: 0, scope: 0, type: 0)
            return message.finish()
        }
    }

    private func setLink(_ index: Int32, _ sequence: UInt32, _ body: (inout NetlinkEncoder) -> Void) -> [UInt8] {
        var message = NetlinkEncoder(
            type: MessageType.setLink, flags: MessageFlags.request | MessageFlags.ack, sequence: sequence)
        message.appendInterfaceInfo(index: index)
        body(&message)
        return message.finish()
    }

    /// `struct ifaddrmsg`: family, prefixlen, flags, scope, index.
    private func appendAddressHeader(_ message: inout NetlinkEncoder, index: Int32, prefixLength: Int) {
        message.append(AddressFamily.inet)
        message.append(UInt8(prefixLength))
        message.append(UInt8(0))
        message.append(RouteConstants.scopeUniverse)
        message.append(UInt32(bitPattern: index))
    }

    private func addressMessage(
        _ type: UInt16, _ flags: UInt16, _ index: Int32, _ address: InterfaceAddress, _ sequence: UInt32
    )
        -> [UInt8]
    {
        var message = NetlinkEncoder(type: type, flags: flags, sequence: sequence)
        appendAddressHeader(&message, index: index, prefixLength: address.prefixLength)
        message.attribute(AddressAttribute.local, address.address.bytes)
        message.attribute(AddressAttribute.address, address.address.bytes)
        return message.finish()
    }

    /// `struct rtmsg`: family, dst_len, src_len, tos, table, protocol, scope, type, flags.
    private func appendRouteHeader(
        _ message: inout NetlinkEncoder, destinationLength: Int, table: UInt8, protocol routeProtocol: UInt8,
        scope: UInt8,
        type: UInt8
    ) {
        message.append(AddressFamily.inet)
        message.append(UInt8(destinationLength))
        message.append(UInt8(0))
        message.append(UInt8(0))
        message.append(table)
        message.append(routeProtocol)
        message.append(scope)
        message.append(type)
        message.append(UInt32(0))
    }

    private func routeMessage(_ type: UInt16, _ flags: UInt16, _ route: Route, _ sequence: UInt32, forDeletion: Bool)
        -> [UInt8]
    {
        var message = NetlinkEncoder(type: type, flags: flags, sequence: sequence)
        let destinationLength = route.destination?.prefixLength ?? 0
        if forDeletion {
            // Deletion matches any protocol/type, and RT_SCOPE_NOWHERE matches any scope.
            appendRouteHeader(
                &message, destinationLength: destinationLength, table: RouteConstants.mainTable, protocol: 0,
                scope: RouteConstants.scopeNowhere, type: 0)
        } else {
            appendRouteHeader(
                &message, destinationLength: destinationLength, table: RouteConstants.mainTable,
                protocol: RouteConstants.protocolBoot,
                scope: route.gateway == nil ? RouteConstants.scopeLink : RouteConstants.scopeUniverse,
                type: RouteConstants.typeUnicast)
        }
        if let destination = route.destination, destination.prefixLength > 0 {
            message.attribute(RouteAttribute.destination, destination.network.bytes)
        }
        if let gateway = route.gateway { message.attribute(RouteAttribute.gateway, gateway.bytes) }
        if let index = route.outputInterface {
            message.attribute(RouteAttribute.outputInterface, uint32: UInt32(bitPattern: index))
        }
        return message.finish()
    }
}
