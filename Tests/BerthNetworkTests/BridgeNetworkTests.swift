import BerthSystem
import Testing

@testable import BerthNetwork

#if canImport(Glibc)
    import Glibc
#endif

/// Real kernel objects in the host namespace (bridges, veths) and fresh namespaces standing
/// in for containers. Everything is removed in `defer`, and namespaces vanish with their fds.
@Suite(.serialized) struct BridgeNetworkTests {
    @Test func containersOnOneBridgeReachEachOtherOverTCP() throws {
        let netlink = try RouteNetlink()
        let tag = uniqueTag()
        let subnet = try #require(try freeTestSubnets(1, using: netlink).first)
        let network = BridgeNetwork(
            bridgeName: InterfaceNames.bridge(for: "reach-\(tag)"), subnet: subnet, gateway: subnet.firstHost)
        let forwardingBefore = try InterfaceSysctl.read("/proc/sys/net/ipv4/ip_forward")
        try network.create(using: netlink)
        defer { try? network.remove(using: netlink) }

        let first = try NetworkNamespace.create()
        defer { first.close() }
        let second = try NetworkNamespace.create()
        defer { second.close() }
        var addressing = try NetworkAddressing(subnet: subnet, inUse: [])
        let firstAddress = try addressing.allocate(for: "first")
        let secondAddress = try addressing.allocate(for: "second")
        let firstVeth = InterfaceNames.hostVeth(for: "\(tag)-first")
        let secondVeth = InterfaceNames.hostVeth(for: "\(tag)-second")
        let endpoint = try network.attach(first, hostInterface: firstVeth, address: firstAddress, using: netlink)
        defer { try? network.detach(hostInterface: endpoint.hostInterface, using: netlink) }
        #expect(endpoint.bridgeName == network.bridgeName && endpoint.containerInterface == "eth0")
        try network.attach(second, hostInterface: secondVeth, address: secondAddress, using: netlink)
        defer { try? network.detach(hostInterface: secondVeth, using: netlink) }

        let listener = try listen(in: second, on: secondAddress.socketAddress(port: 7000))
        defer { listener.close() }
        let failure = try connectOutcome(
            from: first, to: secondAddress.socketAddress(port: 7000), timeout: .seconds(5), message: "hello from first")
        #expect(failure == nil)
        #expect(try acceptAndRead(listener, timeout: .seconds(5)) == "hello from first")

        // The host itself reaches a container through the bridge's gateway address.
        let hostSocket = try Socket.open(.tcp)
        defer { hostSocket.close() }
        try hostSocket.connect(to: secondAddress.socketAddress(port: 7000), timeout: .seconds(5))
        // berth leaves the host's forwarding switch alone and turns it off per bridge.
        #expect(try InterfaceSysctl.read("/proc/sys/net/ipv4/ip_forward") == forwardingBefore)
        #expect(try InterfaceSysctl.read("/proc/sys/net/ipv4/conf/\(network.bridgeName)/forwarding") == "0")
    }

    @Test func linksAddressesAndVethMembershipAreListedByDump() throws {
        let netlink = try RouteNetlink()
        let tag = uniqueTag()
        let subnet = try #require(try freeTestSubnets(1, using: netlink).first)
        let network = BridgeNetwork(
            bridgeName: InterfaceNames.bridge(for: "dump-\(tag)"), subnet: subnet, gateway: subnet.firstHost, mtu: 1400)
        try network.create(using: netlink)
        defer { try? network.remove(using: netlink) }
        let container = try NetworkNamespace.create()
        defer { container.close() }
        let veth = InterfaceNames.hostVeth(for: "\(tag)-c")
        try network.attach(
            container, hostInterface: veth, address: IPv4Address(subnet.network.value + 9), using: netlink)
        defer { try? network.detach(hostInterface: veth, using: netlink) }

        let links = try netlink.links()
        let bridge = try #require(links.first { $0.name == network.bridgeName })
        #expect(bridge.kind == "bridge")
        #expect(bridge.mtu == 1400)
        #expect(bridge.isUp)
        let hostEnd = try #require(links.first { $0.name == veth })
        #expect(hostEnd.kind == "veth")
        #expect(hostEnd.masterIndex == bridge.index)
        #expect(
            try netlink.addresses().contains {
                $0.interfaceIndex == bridge.index && $0.address.address == subnet.firstHost
            })
        #expect(try netlink.subnetsInUse().contains(subnet))

        let inside = try container.run { () -> ([LinkInfo], [AddressInfo], [RouteInfo]) in
            let netlink = try RouteNetlink()
            return (try netlink.links(), try netlink.addresses(), try netlink.routes())
        }
        let eth0 = try #require(inside.0.first { $0.name == "eth0" })
        #expect(eth0.isUp && eth0.mtu == 1400)
        #expect(inside.1.contains { $0.address.address == IPv4Address(subnet.network.value + 9) })
        // The container has its subnet and nothing else: no default route, no way out.
        let mainRoutes = inside.2.filter(\.isMainTable).map(\.route)
        #expect(mainRoutes.count == 1)
        #expect(mainRoutes.first?.destination == subnet)
    }

    @Test func kernelRefusalNamesTheOperationTheLinkAndTheErrno() throws {
        let netlink = try RouteNetlink()
        let name = InterfaceNames.bridge(for: "dup-\(uniqueTag())")
        try netlink.createBridge(named: name)
        defer { try? netlink.deleteLink(name) }
        let duplicate = #expect(throws: NetlinkError.self) { try netlink.createBridge(named: name) }
        #expect(duplicate?.description.contains("create bridge \"\(name)\" failed: EEXIST") == true)
        let missing = #expect(throws: NetlinkError.self) { try netlink.setUp("btmissing0") }
        #expect(missing?.description.contains("look up link \"btmissing0\" failed: ENODEV") == true)
        #expect(try netlink.linkIfPresent(named: "btmissing0") == nil)
        #expect(throws: InterfaceNames.InvalidName.self) { try netlink.createBridge(named: "bt-name-that-is-too-long") }
    }

    @Test func linkOperationsRenameMoveAndRoute() throws {
        let netlink = try RouteNetlink()
        let tag = uniqueTag()
        let namespace = try NetworkNamespace.create()
        defer { namespace.close() }
        let name = InterfaceNames.hostVeth(for: "\(tag)-a")
        let peer = InterfaceNames.hostVeth(for: "\(tag)-b")
        try netlink.createVethPair(named: name, peerName: peer)
        defer { try? netlink.deleteLink(name) }
        try netlink.move(peer, to: namespace)
        #expect(try netlink.linkIfPresent(named: peer) == nil)
        let subnet = try IPv4Subnet(parsing: "10.213.127.0/24")
        let routes = try namespace.run { () -> [Route] in
            let inside = try RouteNetlink()
            try inside.rename(peer, to: "eth7")
            try inside.addAddress(InterfaceAddress(try ip("10.213.127.2"), prefixLength: 24), to: "eth7")
            try inside.setUp("eth7")
            try inside.setDown("eth7")
            guard try !inside.link(named: "eth7").isUp else { throw TestSetupError("eth7 still up after setDown") }
            try inside.setUp("eth7")
            guard try inside.link(named: "eth7").isUp else { throw TestSetupError("eth7 not up after setUp") }
            try inside.addRoute(Route(destination: nil, gateway: try ip("10.213.127.1")))
            try inside.addRoute(
                Route(
                    destination: try IPv4Subnet(parsing: "10.213.126.0/24"),
                    outputInterface: try inside.link(named: "eth7").index))
            try inside.deleteRoute(Route(destination: try IPv4Subnet(parsing: "10.213.126.0/24")))
            try inside.deleteAddress(InterfaceAddress(try ip("10.213.127.2"), prefixLength: 24), from: "eth7")
            try inside.addAddress(InterfaceAddress(try ip("10.213.127.3"), prefixLength: 24), to: "eth7")
            try inside.addRoute(Route(destination: nil, gateway: try ip("10.213.127.1")))
            return try inside.routes().filter(\.isMainTable).map(\.route)
        }
        #expect(routes.contains { $0.destination == nil && $0.gateway == (try? ip("10.213.127.1")) })
        #expect(routes.contains { $0.destination == subnet })
        #expect(!routes.contains { $0.destination?.description == "10.213.126.0/24" })
    }
}
