import BerthSystem
import Testing

@testable import BerthNetwork

// Expected bytes are derived by hand from the uapi structs: nlmsghdr {u32 len, u16 type,
// u16 flags, u32 seq, u32 pid}, ifinfomsg {u8 family, u8 pad, u16 type, s32 index, u32 flags,
// u32 change}, ifaddrmsg {u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index}, rtmsg
// {u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags}, rtattr
// {u16 len, u16 type} padded to 4 bytes. x86-64 is little-endian.
@Suite struct NetlinkEncodingTests {
    @Test func createBridgeRequestIsNewLinkWithIfnameAndBridgeKind() {
        let expected = hexBytes(
            """
            3c000000 1000 0506 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0a00 0300 6274627230 00 0000
            1000 1200 0b00 0100 62726964676500 00
            """)
        #expect(NetlinkRequest.createBridge(name: "btbr0").encode(sequence: 1) == expected)
    }

    @Test func createVethRequestNestsPeerIfinfomsgNameAndNamespaceFD() {
        let expected = hexBytes(
            """
            68000000 1000 0506 02000000 00000000
            00 00 0000 00000000 00000000 00000000
            0900 0300 6274763000 000000
            3c00 1200
              0900 0100 7665746800 000000
              2c00 0200
                2800 0100
                  00 00 0000 00000000 00000000 00000000
                  0900 0300 6574683000 000000
                  0800 1c00 07000000
            """)
        let request = NetlinkRequest.createVethPair(
            name: "btv0", peerName: "eth0", peerNamespace: FileDescriptor(rawValue: 7))
        #expect(request.encode(sequence: 2) == expected)
    }

    @Test func addAddressRequestCarriesLocalAndAddress() throws {
        let expected = hexBytes(
            """
            28000000 1400 0506 03000000 00000000
            02 18 00 00 05000000
            0800 0200 0ad50101
            0800 0100 0ad50101
            """)
        let address = InterfaceAddress(try ip("10.213.1.1"), prefixLength: 24)
        #expect(NetlinkRequest.addAddress(index: 5, address).encode(sequence: 3) == expected)
    }

    @Test func defaultRouteRequestHasGatewayAndOutputInterfaceInMainTable() throws {
        let expected = hexBytes(
            """
            2c000000 1800 0506 04000000 00000000
            02 00 00 00 fe 03 00 01 00000000
            0800 0500 0ad50101
            0800 0400 05000000
            """)
        let route = Route(destination: nil, gateway: try ip("10.213.1.1"), outputInterface: 5)
        #expect(NetlinkRequest.addRoute(route).encode(sequence: 4) == expected)
    }

    @Test func deleteRouteRequestMatchesAnyScopeAndProtocol() throws {
        let expected = hexBytes(
            """
            24000000 1900 0500 09000000 00000000
            02 18 00 00 fe 00 ff 00 00000000
            0800 0100 0ad50200
            """)
        let route = Route(destination: try IPv4Subnet(parsing: "10.213.2.0/24"))
        #expect(NetlinkRequest.deleteRoute(route).encode(sequence: 9) == expected)
    }

    @Test func setUpAndDownChangeOnlyTheUpFlag() {
        #expect(
            NetlinkRequest.setUp(index: 5).encode(sequence: 5)
                == hexBytes("20000000 1300 0500 05000000 00000000  00 00 0000 05000000 01000000 01000000"))
        #expect(
            NetlinkRequest.setDown(index: 5).encode(sequence: 5)
                == hexBytes("20000000 1300 0500 05000000 00000000  00 00 0000 05000000 00000000 01000000"))
    }

    @Test func setLinkRequestsCarryOneAttribute() {
        let header = "28000000 1300 0500 06000000 00000000  00 00 0000 04000000 00000000 00000000"
        #expect(
            NetlinkRequest.setMaster(index: 4, masterIndex: 2).encode(sequence: 6)
                == hexBytes(header + "0800 0a00 02000000"))
        #expect(
            NetlinkRequest.moveToNamespace(index: 4, namespace: FileDescriptor(rawValue: 9)).encode(sequence: 6)
                == hexBytes(header + "0800 1c00 09000000"))
        #expect(
            NetlinkRequest.setMTU(index: 4, mtu: 1400).encode(sequence: 6) == hexBytes(header + "0800 0400 78050000"))
        #expect(
            NetlinkRequest.rename(index: 4, newName: "eth1").encode(sequence: 6)
                == hexBytes(
                    "2c000000 1300 0500 06000000 00000000  00 00 0000 04000000 00000000 00000000 0900 0300 6574683100 000000"
                ))
    }

    @Test func dumpAndGetRequestsUseDumpFlagsOrName() {
        #expect(
            NetlinkRequest.dumpLinks.encode(sequence: 7)
                == hexBytes("20000000 1200 0103 07000000 00000000  00 00 0000 00000000 00000000 00000000"))
        #expect(
            NetlinkRequest.getLink(name: "eth0").encode(sequence: 8)
                == hexBytes(
                    "2c000000 1200 0100 08000000 00000000  00 00 0000 00000000 00000000 00000000  0900 0300 6574683000 000000"
                ))
        #expect(
            NetlinkRequest.dumpAddresses.encode(sequence: 1)
                == hexBytes("18000000 1600 0103 01000000 00000000 02 00 00 00 00000000"))
        #expect(
            NetlinkRequest.dumpRoutes.encode(sequence: 1)
                == hexBytes("1c000000 1a00 0103 01000000 00000000 02 00 00 00 00 00 00 00 00000000"))
        #expect(
            NetlinkRequest.deleteLink(index: 3).encode(sequence: 1)
                == hexBytes("20000000 1100 0500 01000000 00000000  00 00 0000 03000000 00000000 00000000"))
    }
}

@Suite struct NetlinkDecodingTests {
    @Test func ackIsNotAnError() throws {
        let datagram = hexBytes("24000000 0200 0001 01000000 00000000  00000000  20000000 1300 0500 01000000 00000000")
        let messages = try NetlinkMessage.split(datagram)
        #expect(messages.count == 1)
        #expect(try NetlinkError.decode(try #require(messages.first), operation: "set link up") == nil)
    }

    @Test func errorWithExtendedAckNamesOperationErrnoAndKernelMessage() throws {
        // error -17 (EEXIST), capped echo of the request header, NLMSGERR_ATTR_MSG "File exists".
        let datagram = hexBytes(
            """
            34000000 0200 0003 01000000 00000000
            efffffff
            3c000000 1000 0506 01000000 00000000
            1000 0100 46696c652065786973747300 00
            """)
        let message = try #require(try NetlinkMessage.split(datagram).first)
        let error = try #require(try NetlinkError.decode(message, operation: "create bridge \"btbr0\""))
        #expect(error.errno == Errno(rawValue: 17))
        #expect(error.kernelMessage == "File exists")
        #expect(error.description.contains("create bridge \"btbr0\" failed: EEXIST (File exists)"))
    }

    @Test func linkReplyDecodesNameMtuMasterAndKind() throws {
        let datagram = hexBytes(
            """
            4c000000 1000 0000 05000000 00000000
            00 00 0100 07000000 43100000 00000000
            0900 0300 6274763000 000000
            0800 0400 dc050000
            0800 0a00 03000000
            1000 1200 0900 0100 7665746800 000000
            """)
        let link = try LinkInfo(message: try #require(try NetlinkMessage.split(datagram).first))
        #expect(link.index == 7)
        #expect(link.name == "btv0")
        #expect(link.mtu == 1500)
        #expect(link.masterIndex == 3)
        #expect(link.kind == "veth")
        #expect(link.isUp)
    }

    @Test func multiPartDumpSplitsIntoMessagesAndDone() throws {
        let address =
            "28000000 1400 0200 09000000 00000000  02 18 80 00 05000000  0800 0200 0ad50101 0800 0100 0ad50101"
        let route =
            "2c000000 1800 0200 09000000 00000000  02 18 00 00 fe 02 fd 01 00000000  0800 0f00 fe000000 0800 0100 0ad50100"
        let done = "14000000 0300 0200 09000000 00000000 00000000"
        let messages = try NetlinkMessage.split(hexBytes(address + route + done))
        #expect(messages.map(\.type) == [20, 24, 3])
        let decodedAddress = try #require(try AddressInfo(message: messages[0]))
        #expect(decodedAddress.address.description == "10.213.1.1/24")
        #expect(decodedAddress.interfaceIndex == 5)
        let decodedRoute = try #require(try RouteInfo(message: messages[1]))
        #expect(decodedRoute.route.destination?.description == "10.213.1.0/24")
        #expect(decodedRoute.isMainTable)
    }

    @Test func truncatedAttributeIsRejectedNotReadPastTheEnd() {
        let datagram =
            hexBytes("26000000 1000 0000 05000000 00000000  00 00 0100 07000000 43100000 00000000")
            + hexBytes("4000 0300 6274")
        #expect(throws: NetlinkDecodingError.self) {
            let messages = try NetlinkMessage.split(datagram)
            _ = try LinkInfo(message: try #require(messages.first))
        }
    }
}
