/// Turns one query into one reply, with no I/O: the server's policy in one testable place.
/// berth is authoritative for its table and nothing else. Unknown names get NXDOMAIN and
/// nothing is forwarded upstream, because containers have no route out by design.
public struct DNSResponder: Sendable {
    public let table: DNSRecordTable
    /// Low, so clients notice replicas coming and going within seconds.
    public let ttl: UInt32

    /// Largest UDP payload berth sends when the client advertises EDNS, a size that avoids IP
    /// fragmentation on ordinary links.
    static let maximumUDPPayload = 1232
    static let classicUDPPayload = 512

    public init(table: DNSRecordTable, ttl: UInt32 = 5) {
        self.table = table
        self.ttl = ttl
    }

    /// The reply bytes, or nil when the datagram is not worth answering (not a query, or too
    /// short to hold a header).
    public func respond(to query: [UInt8], overTCP: Bool) -> [UInt8]? {
        let message: DNSMessage
        do {
            message = try DNSMessage(parsing: query)
        } catch {
            guard query.count >= 12, query[2] & 0x80 == 0 else { return nil }
            var flags = DNSMessage.Flags()
            flags.isResponse = true
            flags.opcode = (query[2] >> 3) & 0xF
            flags.responseCode = .formatError
            return DNSMessage(id: UInt16(query[0]) << 8 | UInt16(query[1]), flags: flags).encoded()
        }
        guard !message.flags.isResponse else { return nil }

        var reply = DNSMessage(id: message.id)
        reply.flags.isResponse = true
        reply.flags.opcode = message.flags.opcode
        reply.flags.recursionDesired = message.flags.recursionDesired
        reply.questions = message.questions
        let clientOPT = message.additionals.first { $0.type == DNSRecord.typeOPT }
        if clientOPT != nil {
            reply.additionals = [
                DNSRecord(
                    name: "", type: DNSRecord.typeOPT, recordClass: UInt16(DNSResponder.maximumUDPPayload), ttl: 0,
                    data: [])
            ]
        }

        if message.flags.opcode != 0 {
            reply.flags.responseCode = .notImplemented
        } else if message.questions.count != 1 {
            reply.flags.responseCode = .formatError
        } else {
            answer(message.questions[0], into: &reply)
        }

        let encoded = reply.encoded()
        let limit =
            overTCP
            ? Int(UInt16.max)
            : clientOPT.map {
                min(max(Int($0.recordClass), DNSResponder.classicUDPPayload), DNSResponder.maximumUDPPayload)
            }
                ?? DNSResponder.classicUDPPayload
        guard encoded.count > limit else { return encoded }
        // Too big for this transport: say so with TC and let the client retry over TCP.
        reply.answers = []
        reply.flags.truncated = true
        return reply.encoded()
    }

    private func answer(_ question: DNSQuestion, into reply: inout DNSMessage) {
        guard question.recordClass == DNSRecord.classInternet || question.recordClass == DNSRecord.classAny else {
            reply.flags.responseCode = .refused
            return
        }
        guard let addresses = table.addresses(for: question.name) else {
            reply.flags.authoritative = true
            reply.flags.responseCode = .nameError
            return
        }
        reply.flags.authoritative = true
        // Other types (AAAA, MX, ...) get an empty NOERROR: the name exists, without such records.
        guard question.type == DNSRecord.typeA || question.type == DNSRecord.typeANY else { return }
        reply.answers = addresses.shuffled().map { DNSRecord.a(question.name, $0, ttl: ttl) }
    }
}
