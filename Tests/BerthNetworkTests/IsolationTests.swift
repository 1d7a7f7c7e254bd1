import BerthSystem
import Testing

@testable import BerthNetwork

/// Isolation between berth networks, tested inside a namespace that plays the host, so the
/// test can turn on `net.ipv4.ip_forward` (the worst case: a host that routes for other
/// reasons) without touching the real host's setting.
@Suite(.serialized) struct IsolationTests {
    struct Topology {
        var host: NetworkNamespace
        var containers: [NetworkNamespace]
        var addresses: [IPv4Address]
        var networks: [BridgeNetwork]

        func close() {
            for container in containers { container.close() }
            host.close()
        }
    }

    /// Two bridges; containers 0 and 1 on the first, container 2 on the second. Every
    /// container also gets a default route via its gateway, which berth itself never adds,
    /// to show that even then the host does not forward between bridges.
    func makeTopology() throws -> Topology {
        let host = try NetworkNamespace.create()
        var containers: [NetworkNamespace] = []
        do {
            for _ in 0..<3 { containers.append(try NetworkNamespace.create()) }
            let subnets = [try IPv4Subnet(parsing: "10.213.1.0/24"), try IPv4Subnet(parsing: "10.213.2.0/24")]
            let networks = subnets.enumerated().map { index, subnet in
                BridgeNetwork(bridgeName: "btbr-iso\(index)", subnet: subnet, gateway: subnet.firstHost)
            }
            let addresses = [try ip("10.213.1.10"), try ip("10.213.1.11"), try ip("10.213.2.10")]
            let placement = [0, 0, 1]
            let captured = containers
            try host.run {
                try InterfaceSysctl.write("/proc/sys/net/ipv4/ip_forward", "1")
                let netlink = try RouteNetlink()
                try netlink.setUp("lo")
                for network in networks { try network.create(using: netlink) }
                for (index, container) in captured.enumerated() {
                    let network = networks[placement[index]]
                    try network.attach(
                        container, hostInterface: "btv-iso\(index)", address: addresses[index], using: netlink)
                    try container.run {
                        try RouteNetlink().addRoute(Route(destination: nil, gateway: network.gateway))
                    }
                }
            }
            return Topology(host: host, containers: containers, addresses: addresses, networks: networks)
        } catch {
            for container in containers { container.close() }
            host.close()
            throw error
        }
    }

    @Test func peersOnTheSameBridgeConnectButOtherNetworksAreUnreachable() throws {
        let topology = try makeTopology()
        // Closing the namespaces destroys the bridges and veths inside them as well.
        defer { topology.close() }
        #expect(try topology.host.run { try InterfaceSysctl.read("/proc/sys/net/ipv4/ip_forward") } == "1")

        let sameNetwork = try listen(in: topology.containers[1], on: topology.addresses[1].socketAddress(port: 8080))
        defer { sameNetwork.close() }
        let otherNetwork = try listen(in: topology.containers[2], on: topology.addresses[2].socketAddress(port: 8080))
        defer { otherNetwork.close() }

        let sameOutcome = try connectOutcome(
            from: topology.containers[0], to: topology.addresses[1].socketAddress(port: 8080), timeout: .seconds(5),
            message: "same")
        #expect(sameOutcome == nil)
        #expect(try acceptAndRead(sameNetwork, timeout: .seconds(5)) == "same")

        let start = ContinuousClock.now
        let crossOutcome = try connectOutcome(
            from: topology.containers[0], to: topology.addresses[2].socketAddress(port: 8080),
            timeout: .milliseconds(1500),
            message: "cross")
        let failure = try #require(crossOutcome)
        #expect(
            ["ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNREFUSED"].contains { failure.description.contains($0) })
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(try acceptAndRead(otherNetwork, timeout: .milliseconds(200)) == nil)

        // And the reverse direction.
        let reverse = try connectOutcome(
            from: topology.containers[2], to: topology.addresses[0].socketAddress(port: 8080),
            timeout: .milliseconds(1500),
            message: "back")
        #expect(reverse != nil)
    }

    @Test func withoutADefaultRouteAnotherSubnetFailsImmediately() throws {
        let host = try NetworkNamespace.create()
        defer { host.close() }
        let container = try NetworkNamespace.create()
        defer { container.close() }
        let subnet = try IPv4Subnet(parsing: "10.213.3.0/24")
        let network = BridgeNetwork(bridgeName: "btbr-iso3", subnet: subnet, gateway: subnet.firstHost)
        try host.run {
            let netlink = try RouteNetlink()
            try network.create(using: netlink)
            try network.attach(container, hostInterface: "btv-iso3", address: try ip("10.213.3.5"), using: netlink)
        }
        let start = ContinuousClock.now
        let outcome = try connectOutcome(
            from: container, to: try ip("10.213.4.5").socketAddress(port: 80), timeout: .seconds(2), message: "out")
        #expect(outcome?.description.contains("ENETUNREACH") == true)
        #expect(ContinuousClock.now - start < .milliseconds(500))
    }
}
