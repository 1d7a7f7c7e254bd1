import Foundation
import Testing

@testable import BerthNetwork

@Suite struct AddressingTests {
    @Test func dottedQuadParsingIsStrict() throws {
        #expect(try ip("10.213.1.1").value == 0x0AD5_0101)
        #expect(IPv4Address("999.1.1.1") == nil)
        for text in ["10.213.1", "10.213.1.256", "010.1.1.1", "1.2.3.4.5", "", "a.b.c.d", " 1.2.3.4", "1..2.3"] {
            #expect(IPv4Address(text) == nil, "\(text) should be rejected")
        }
    }

    @Test func subnetWithHostBitsIsRejectedWithTheIntendedNetwork() {
        #expect(throws: IPv4Subnet.ParseError.hostBitsSet("10.1.2.3/24", network: "10.1.2.0/24")) {
            try IPv4Subnet(parsing: "10.1.2.3/24")
        }
        #expect(throws: IPv4Subnet.ParseError.notCIDR("10.1.2.0")) { try IPv4Subnet(parsing: "10.1.2.0") }
        #expect(throws: IPv4Subnet.ParseError.notCIDR("10.1.2.0/33")) { try IPv4Subnet(parsing: "10.1.2.0/33") }
    }

    @Test func subnetArithmetic() throws {
        let subnet = try IPv4Subnet(parsing: "10.213.4.0/22")
        #expect(subnet.broadcast.description == "10.213.7.255")
        #expect(subnet.contains(try ip("10.213.6.9")))
        #expect(!subnet.contains(try ip("10.213.8.1")))
        #expect(subnet.overlaps(try IPv4Subnet(parsing: "10.213.5.0/24")))
        #expect(subnet.overlaps(try IPv4Subnet(parsing: "10.0.0.0/8")))
        #expect(!subnet.overlaps(try IPv4Subnet(parsing: "10.213.8.0/24")))
    }

    @Test func poolSkipsSubnetsRoutedOnTheHost() throws {
        let inUse = [try IPv4Subnet(parsing: "10.213.0.0/24"), try IPv4Subnet(parsing: "10.213.1.128/25")]
        #expect(try AddressPool.standard.firstFree(avoiding: inUse).description == "10.213.2.0/24")
        #expect(try AddressPool.standard.firstFree(avoiding: []).description == "10.213.0.0/24")
    }

    @Test func exhaustedPoolSaysWhatToDo() throws {
        let pool = try AddressPool(base: try IPv4Subnet(parsing: "10.9.0.0/23"), subnetPrefixLength: 24)
        let error = #expect(throws: IPAMError.self) {
            try pool.firstFree(avoiding: [try IPv4Subnet(parsing: "10.9.0.0/16")])
        }
        #expect(error?.description.contains("set ipam.config.subnet") == true)
        #expect(throws: IPAMError.self) {
            try AddressPool(base: try IPv4Subnet(parsing: "10.9.0.0/23"), subnetPrefixLength: 16)
        }
    }

    @Test func configuredSubnetAndGatewayAreHonouredAndChecked() throws {
        let subnet = try IPv4Subnet(parsing: "172.30.5.0/24")
        let addressing = try NetworkAddressing(subnet: subnet, gateway: try ip("172.30.5.254"), inUse: [])
        #expect(addressing.gateway.description == "172.30.5.254")
        #expect(throws: IPAMError.subnetOverlaps(subnet, inUse: try IPv4Subnet(parsing: "172.30.0.0/16"))) {
            try NetworkAddressing(subnet: subnet, inUse: [try IPv4Subnet(parsing: "172.30.0.0/16")])
        }
        #expect(throws: IPAMError.gatewayOutsideSubnet(try ip("172.30.6.1"), subnet)) {
            try NetworkAddressing(subnet: subnet, gateway: try ip("172.30.6.1"), inUse: [])
        }
        #expect(throws: IPAMError.gatewayNotAHost(try ip("172.30.5.255"), subnet)) {
            try NetworkAddressing(subnet: subnet, gateway: try ip("172.30.5.255"), inUse: [])
        }
    }

    @Test func addressesAreAllocatedLowestFirstAndReusedAfterRelease() throws {
        var addressing = try NetworkAddressing(subnet: try IPv4Subnet(parsing: "10.213.9.0/29"), inUse: [])
        #expect(addressing.gateway.description == "10.213.9.1")
        #expect(try addressing.allocate(for: "web-1").description == "10.213.9.2")
        #expect(try addressing.allocate(for: "web-2").description == "10.213.9.3")
        #expect(try addressing.allocate(for: "web-1").description == "10.213.9.2")
        addressing.release("web-1")
        #expect(try addressing.allocate(for: "db-1").description == "10.213.9.2")
        #expect(try addressing.allocate(for: "fixed", requested: try ip("10.213.9.6")).description == "10.213.9.6")
        #expect(throws: IPAMError.addressTaken(try ip("10.213.9.6"), owner: "fixed")) {
            try addressing.allocate(for: "other", requested: try ip("10.213.9.6"))
        }
        #expect(throws: IPAMError.addressReserved(try ip("10.213.9.1"), addressing.subnet)) {
            try addressing.allocate(for: "other", requested: try ip("10.213.9.1"))
        }
        _ = try addressing.allocate(for: "a")
        _ = try addressing.allocate(for: "b")
        #expect(throws: IPAMError.subnetFull(addressing.subnet)) { try addressing.allocate(for: "c") }
    }

    @Test func addressingRoundTripsThroughJSON() throws {
        var addressing = try NetworkAddressing(inUse: [])
        _ = try addressing.allocate(for: "web-1")
        let data = try JSONEncoder().encode(addressing)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"10.213.0.0\\/24\"") || text.contains("\"10.213.0.0/24\""))
        #expect(try JSONDecoder().decode(NetworkAddressing.self, from: data) == addressing)
    }

    @Test func interfaceNamesAreStableShortAndMarked() throws {
        let bridge = InterfaceNames.bridge(for: "myproject_default")
        #expect(bridge == InterfaceNames.bridge(for: "myproject_default"))
        #expect(bridge.hasPrefix("btbr-") && bridge.utf8.count == 15)
        #expect(InterfaceNames.bridge(for: "myproject_default", attempt: 1) != bridge)
        let veth = InterfaceNames.hostVeth(for: "myproject-web-1@default")
        #expect(veth.hasPrefix("btv") && veth.utf8.count == 15)
        try InterfaceNames.validate(veth)
        #expect(throws: InterfaceNames.InvalidName.self) { try InterfaceNames.validate("bt/0") }
    }
}
