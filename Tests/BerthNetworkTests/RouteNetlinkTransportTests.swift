import BerthSystem
import Testing

@testable import BerthNetwork

/// `RouteNetlink` and the bridge code over a recording transport: the requests they send,
/// in order, and how they read the answers, with no root and no kernel objects.
@Suite struct RouteNetlinkTransportTests {
    @Test func deletingALinkLooksItUpByNameThenDeletesItsIndex() throws {
        let transport = RecordingNetlinkTransport(links: ["btv0": 7])
        try RouteNetlink(transport: transport).deleteLink("btv0")
        #expect(transport.requests.map(\.name) == ["btv0", nil])
        #expect(transport.changes == ["dellink #7"])
    }

    @Test func aLinkTheKernelDoesNotKnowIsAbsentNotAnError() throws {
        let transport = RecordingNetlinkTransport()
        #expect(try RouteNetlink(transport: transport).linkIfPresent(named: "btnone") == nil)
    }

    @Test func aRefusalNamesTheOperationAndTheErrno() throws {
        let transport = RecordingNetlinkTransport()
        transport.refuse[MessageType.newLink] = 17  // EEXIST
        do {
            try RouteNetlink(transport: transport).createBridge(named: "btbr0")
            Issue.record("creating a bridge the kernel refused succeeded")
        } catch let error as NetlinkError {
            #expect(error.operation == "create bridge \"btbr0\"")
            #expect(error.errno?.rawValue == 17)
        }
    }

    @Test func eachRequestCarriesTheNextSequenceNumber() throws {
        let transport = RecordingNetlinkTransport(links: ["btbr0": 3])
        let netlink = RouteNetlink(transport: transport)
        try netlink.setUp("btbr0")
        try netlink.setDown("btbr0")
        let sequences = try transport.requests.map { request in
            try #require(try NetlinkMessage.split(request.bytes).first).sequence
        }
        #expect(sequences == [1, 2, 3, 4])
        #expect(transport.changes == ["setlink #3", "setlink #3"])
    }

    @Test func aRouteIsSentAsEncoded() throws {
        let transport = RecordingNetlinkTransport()
        let route = Route(
            destination: try IPv4Subnet(parsing: "10.213.7.0/24"), gateway: IPv4Address(10, 213, 0, 1))
        try RouteNetlink(transport: transport).addRoute(route)
        #expect(transport.requests.map(\.bytes) == [NetlinkRequest.addRoute(route).encode(sequence: 1)])
    }

    @Test func removingABridgeDeletesItOnlyWhenItExists() throws {
        let bridge = BridgeNetwork(
            bridgeName: "btbr0", subnet: try IPv4Subnet(parsing: "10.213.7.0/24"), gateway: IPv4Address(10, 213, 7, 1))
        let present = RecordingNetlinkTransport(links: ["btbr0": 4])
        try bridge.remove(using: RouteNetlink(transport: present))
        #expect(present.changes == ["dellink #4"])
        let absent = RecordingNetlinkTransport()
        try bridge.remove(using: RouteNetlink(transport: absent))
        #expect(absent.changes.isEmpty)
    }
}
