import Testing

@testable import BerthNetwork

/// A container's MAC follows from its IP, so the host's neighbour cache stays right when a
/// container is recreated on the same address (found by the stack fault-injection test).
@Suite struct HardwareAddressTests {
    @Test func macAddressIsLocallyAdministeredUnicastFollowedByTheIPv4Bytes() throws {
        let mac = BridgeNetwork.hardwareAddress(for: try ip("10.213.0.4"))
        #expect(mac == [0x02, 0x42, 0x0a, 0xd5, 0x00, 0x04])
        #expect(mac[0] & 0x01 == 0, "multicast bit must be clear")
        #expect(mac[0] & 0x02 == 0x02, "locally administered bit must be set")
    }

    @Test func setHardwareAddressRequestIsSetLinkWithIflaAddress() {
        let expected = hexBytes(
            """
            2c000000 1300 0500 05000000 00000000
            00 00 0000 07000000 00000000 00000000
            0a00 0100 02420ad50004 0000
            """)
        let request = NetlinkRequest.setHardwareAddress(index: 7, address: [0x02, 0x42, 0x0a, 0xd5, 0x00, 0x04])
        #expect(request.encode(sequence: 5) == expected)
    }
}
