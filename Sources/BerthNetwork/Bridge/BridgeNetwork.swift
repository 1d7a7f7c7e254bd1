import BerthSystem

/// One berth network on the host: a Linux bridge with the gateway address, and a subnet its
/// containers get addresses from. Containers on the same bridge reach each other and the
/// gateway address (where berth's DNS server listens). A routed network (any network not
/// `internal: true`) also forwards: the bridge and the host's uplink have IPv4 forwarding on,
/// containers get a default route via the gateway, and BerthFirewall masquerades their
/// traffic out; an internal network keeps forwarding off, so nothing entering its bridge is
/// routed anywhere.
public struct BridgeNetwork: Hashable, Sendable, Codable {
    /// The bridge's interface name (see `InterfaceNames.bridge(for:)`).
    public var bridgeName: String
    public var subnet: IPv4Subnet
    public var gateway: IPv4Address
    public var mtu: UInt32?

    public init(bridgeName: String, subnet: IPv4Subnet, gateway: IPv4Address, mtu: UInt32? = nil) {
        self.bridgeName = bridgeName
        self.subnet = subnet
        self.gateway = gateway
        self.mtu = mtu
    }

    /// Creates the bridge in the calling thread's namespace (normally the host's), sets
    /// forwarding on it (on only when `routed`), gives it the gateway address and brings it up.
    /// On failure, whatever was created is removed again.
    public func create(using netlink: RouteNetlink, routed: Bool = false) throws {
        try netlink.createBridge(named: bridgeName)
        do {
            if routed {
                try InterfaceSysctl.enableForwarding(on: bridgeName)
                try InterfaceSysctl.enableRouteLocalnet(on: bridgeName)
                try Self.enableForwardingOnUplinks(using: netlink)
            } else {
                try InterfaceSysctl.disableForwarding(on: bridgeName)
            }
            if let mtu { try netlink.setMTU(bridgeName, mtu) }
            // A bridge without its own MAC takes the lowest of its ports' and changes it when
            // that port goes: containers would keep sending to the old MAC of the gateway (and
            // its DNS server) until their ARP entry expires. Set once, it stays.
            var mac = (0..<6).map { _ in UInt8.random(in: 0...255) }
            mac[0] = (mac[0] & 0xFE) | 0x02  // unicast, locally administered
            try netlink.setHardwareAddress(bridgeName, mac)
            try netlink.addAddress(InterfaceAddress(gateway, prefixLength: subnet.prefixLength), to: bridgeName)
            try netlink.setUp(bridgeName)
        } catch {
            try? netlink.deleteLink(bridgeName)
            throw error
        }
    }

    /// Replies to containers' outbound traffic arrive on the interface of the default route and
    /// are routed into the bridge; the kernel forwards a packet only when its *input*
    /// interface has forwarding on. berth turns it on for that interface alone (docker turns on
    /// `net.ipv4.ip_forward`, i.e. every interface) and leaves it on, as docker does, since
    /// other software may rely on it by then. No default route: nothing to do.
    static func enableForwardingOnUplinks(using netlink: RouteNetlink) throws {
        let uplinks = Set(
            try netlink.routes().filter { $0.isMainTable && $0.route.destination == nil }
                .compactMap(\.route.outputInterface))
        guard !uplinks.isEmpty else { return }
        for link in try netlink.links() where uplinks.contains(link.index) {
            try InterfaceSysctl.enableForwarding(on: link.name)
        }
    }

    /// Deletes the bridge; veths still attached to it are detached by the kernel.
    public func remove(using netlink: RouteNetlink) throws {
        if try netlink.linkIfPresent(named: bridgeName) != nil { try netlink.deleteLink(bridgeName) }
    }

    /// Connects a container's namespace: a veth pair whose host end (`hostInterface`) joins the
    /// bridge and whose other end appears inside `namespace` as `containerInterface` with
    /// `address`. Inside, `lo` comes up too; with `defaultRoute` (the container's first routed
    /// network) its default route goes via this network's gateway, otherwise its only routes
    /// are the connected subnet ones the kernel adds for the address.
    @discardableResult
    public func attach(
        _ namespace: NetworkNamespace, hostInterface: String, containerInterface: String = "eth0", address: IPv4Address,
        defaultRoute: Bool = false, using netlink: RouteNetlink
    ) throws -> Endpoint {
        guard subnet.contains(address), address != gateway, address != subnet.network, address != subnet.broadcast
        else {
            throw NetworkConfigurationError(
                "address \(address) cannot be given to a container on \(subnet) (gateway \(gateway))",
                hint: "use a host address inside the subnet other than the gateway")
        }
        try netlink.createVethPair(named: hostInterface, peerName: containerInterface, peerNamespace: namespace)
        do {
            try InterfaceSysctl.disableForwarding(on: hostInterface)
            if let mtu { try netlink.setMTU(hostInterface, mtu) }
            try netlink.setMaster(hostInterface, bridge: bridgeName)
            try netlink.setUp(hostInterface)
            let prefixLength = subnet.prefixLength
            let mtu = mtu
            let gateway = gateway
            try namespace.run {
                let inside = try RouteNetlink()
                try inside.setUp("lo")
                if let mtu { try inside.setMTU(containerInterface, mtu) }
                // The MAC follows from the IP (as docker does): a container recreated with the same
                // address stays reachable through the host's neighbour cache instead of going dark
                // until the stale entry there expires.
                try inside.setHardwareAddress(containerInterface, Self.hardwareAddress(for: address))
                try inside.addAddress(InterfaceAddress(address, prefixLength: prefixLength), to: containerInterface)
                try inside.setUp(containerInterface)
                if defaultRoute { try inside.addRoute(Route(destination: nil, gateway: gateway)) }
            }
        } catch {
            try? netlink.deleteLink(hostInterface)
            throw error
        }
        return Endpoint(
            bridgeName: bridgeName, hostInterface: hostInterface, containerInterface: containerInterface,
            address: address)
    }

    /// A locally administered unicast MAC, 02:42 followed by the four address bytes.
    static func hardwareAddress(for address: IPv4Address) -> [UInt8] {
        [0x02, 0x42] + address.bytes
    }

    /// Removes a container's veth pair by its host end (the container end goes with it).
    public func detach(hostInterface: String, using netlink: RouteNetlink) throws {
        if try netlink.linkIfPresent(named: hostInterface) != nil { try netlink.deleteLink(hostInterface) }
    }
}

/// One container's attachment to a network: what the runtime records so it can detach the
/// container later without recomputing (hash-derived) interface names.
public struct Endpoint: Hashable, Sendable, Codable {
    public var bridgeName: String
    public var hostInterface: String
    public var containerInterface: String
    public var address: IPv4Address
}

/// A network setting berth cannot apply, with what to do instead.
public struct NetworkConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { hint.map { "\(message); \($0)" } ?? message }
}
