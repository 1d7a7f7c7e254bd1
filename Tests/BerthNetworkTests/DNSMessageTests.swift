import Testing

@testable import BerthNetwork

@Suite struct DNSMessageTests {
    func query(_ name: String, type: UInt16 = DNSRecord.typeA, id: UInt16 = 0x1234, edns: UInt16? = nil) -> [UInt8] {
        var message = DNSMessage(id: id, questions: [DNSQuestion(name: name, type: type)])
        message.flags.recursionDesired = true
        if let edns {
            message.additionals = [DNSRecord(name: "", type: DNSRecord.typeOPT, recordClass: edns, ttl: 0, data: [])]
        }
        return message.encoded()
    }

    @Test func queryEncodesToTheWireFormat() {
        #expect(
            query("web", id: 0xBEEF)
                == hexBytes("beef 0100 0001 0000 0000 0000  03 776562 00  0001 0001"))
    }

    @Test func responseWithCompressionPointersParses() throws {
        // Answer owner names point back at the question name at offset 12 (0xc00c), and the
        // second answer's name is "db." + a pointer into the first question name's suffix.
        let bytes = hexBytes(
            """
            0001 8580 0001 0002 0000 0000
            03 776562 07 70726f6a656374 00 0001 0001
            c00c 0001 0001 00000005 0004 0ad50102
            02 6462 c010 0001 0001 00000005 0004 0ad50103
            """)
        let message = try DNSMessage(parsing: bytes)
        #expect(message.flags.isResponse && message.flags.authoritative && message.flags.recursionDesired)
        #expect(message.questions == [DNSQuestion(name: "web.project", type: DNSRecord.typeA)])
        #expect(message.answers.map(\.name) == ["web.project", "db.project"])
        #expect(message.answers.compactMap(\.ipv4).map(\.description) == ["10.213.1.2", "10.213.1.3"])
        #expect(message.answers.first?.ttl == 5)
    }

    @Test func pointerLoopsAndOverrunsAreRejected() {
        // A pointer to itself, a forward pointer, and a label longer than the message.
        for bad in [
            "0001 0000 0001 0000 0000 0000 c00c 0001 0001", "0001 0000 0001 0000 0000 0000 c020 0001 0001",
            "0001 0000 0001 0000 0000 0000 3f 41 00",
        ] {
            #expect(throws: DNSParseError.self) { try DNSMessage(parsing: hexBytes(bad)) }
        }
        #expect(throws: DNSParseError.self) { try DNSMessage(parsing: [0, 1, 2]) }
    }

    @Test func encodedResponsesRoundTripAndCompressRepeatedNames() throws {
        let message = DNSMessage(
            id: 7, questions: [DNSQuestion(name: "web", type: DNSRecord.typeA)],
            answers: [DNSRecord.a("web", try ip("10.0.0.1"), ttl: 5), DNSRecord.a("web", try ip("10.0.0.2"), ttl: 5)])
        let bytes = message.encoded()
        #expect(Array(bytes[21...22]) == [0xC0, 0x0C])
        #expect(try DNSMessage(parsing: bytes) == message)
    }
}

@Suite struct DNSResponderTests {
    let table = DNSRecordTable()

    func ask(_ name: String, type: UInt16 = DNSRecord.typeA, tcp: Bool = false, edns: UInt16? = nil) throws
        -> DNSMessage
    {
        let bytes = DNSMessageTests().query(name, type: type, edns: edns)
        let reply = try #require(DNSResponder(table: table).respond(to: bytes, overTCP: tcp))
        return try DNSMessage(parsing: reply)
    }

    @Test func knownNameGetsEveryAddressWithALowTTL() throws {
        table.set("web", to: [try ip("10.213.1.2"), try ip("10.213.1.3"), try ip("10.213.1.4")])
        let reply = try ask("WEB.")
        #expect(reply.flags.isResponse && reply.flags.authoritative && reply.flags.responseCode == .noError)
        #expect(reply.id == 0x1234)
        #expect(Set(reply.answers.compactMap(\.ipv4).map(\.description)) == ["10.213.1.2", "10.213.1.3", "10.213.1.4"])
        #expect(reply.answers.allSatisfy { $0.ttl == 5 })
    }

    @Test func addressesAreShuffledPerAnswer() throws {
        table.set("api", to: (1...4).map { IPv4Address(10, 213, 1, $0) })
        var orders = Set<[IPv4Address]>()
        for _ in 0..<60 { orders.insert(try ask("api").answers.compactMap(\.ipv4)) }
        #expect(orders.count > 1)
    }

    @Test func unknownNameIsNXDOMAINAndNothingIsForwarded() throws {
        let reply = try ask("example.com")
        #expect(reply.flags.responseCode == .nameError)
        #expect(reply.answers.isEmpty)
    }

    @Test func otherRecordTypesForAKnownNameAreEmptyNoError() throws {
        table.set("db", to: [try ip("10.213.1.9")])
        let reply = try ask("db", type: DNSRecord.typeAAAA)
        #expect(reply.flags.responseCode == .noError)
        #expect(reply.answers.isEmpty)
    }

    @Test func liveUpdatesAreSeenByTheNextQuery() throws {
        table.set("cache", to: [try ip("10.213.1.5")])
        #expect(try ask("cache").answers.count == 1)
        table.set("cache", to: [])
        #expect(try ask("cache").flags.responseCode == .nameError)
        table.replaceAll(["cache.proj": [try ip("10.213.1.6")]])
        #expect(try ask("cache.proj").answers.first?.ipv4?.description == "10.213.1.6")
    }

    @Test func oversizedUDPAnswerIsTruncatedButTCPCarriesItAll() throws {
        table.set("many", to: (1...60).map { IPv4Address(10, 213, 2, UInt8($0)) })
        let udp = try ask("many")
        #expect(udp.flags.truncated && udp.answers.isEmpty)
        let tcp = try ask("many", tcp: true)
        #expect(!tcp.flags.truncated && tcp.answers.count == 60)
        // With EDNS the client may take up to 1232 bytes over UDP: 60 answers (16 bytes each) fit.
        let edns = try ask("many", edns: 4096)
        #expect(!edns.flags.truncated && edns.answers.count == 60)
        #expect(edns.additionals.first?.type == DNSRecord.typeOPT)
    }

    @Test func malformedQueryGetsFormatErrorAndResponsesAreIgnored() throws {
        let responder = DNSResponder(table: table)
        let reply = try #require(
            responder.respond(to: hexBytes("abcd 0100 0001 0000 0000 0000 05 6162"), overTCP: false))
        let parsed = try DNSMessage(parsing: reply)
        #expect(parsed.id == 0xABCD && parsed.flags.responseCode == .formatError)
        #expect(responder.respond(to: hexBytes("abcd 8100 0000 0000 0000 0000"), overTCP: false) == nil)
        let notQuery = try #require(responder.respond(to: hexBytes("abcd 2800 0000 0000 0000 0000"), overTCP: false))
        #expect(try DNSMessage(parsing: notQuery).flags.responseCode == .notImplemented)
    }
}

@Suite struct ServiceNamesTests {
    @Test func replicasShareServiceNamesAndKeepTheirOwnContainerNames() throws {
        let first = ServiceNames.names(
            service: "web", project: "shop", containerName: "shop-web-1", aliases: ["www", "WEB"])
        #expect(first == ["web", "web.shop", "shop-web-1", "www"])
        let second = ServiceNames.names(service: "web", project: "shop", containerName: "shop-web-2")
        let table = DNSRecordTable(
            ServiceNames.table([(first, try ip("10.213.0.2")), (second, try ip("10.213.0.3"))]))
        #expect(table.addresses(for: "web.shop")?.map(\.description) == ["10.213.0.2", "10.213.0.3"])
        #expect(table.addresses(for: "shop-web-2")?.map(\.description) == ["10.213.0.3"])
        #expect(table.addresses(for: "www")?.map(\.description) == ["10.213.0.2"])
    }
}
