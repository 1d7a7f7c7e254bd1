import BerthSystem

/// Turns one query into one reply, with no I/O: the server's policy in one testable place.
/// berth is authoritative for its table. Names it does not know go to the upstream servers
/// when the responder has some (`forwardTargets`; the server relays them), else NXDOMAIN.
public struct DNSResponder: Sendable {
    public let table: DNSRecordTable
    /// Low, so clients notice replicas coming and going within seconds.
    public let ttl: UInt32
    /// When set, names come from this scope instead of `table`, filtered by who asks.
    public let scope: DNSScope?
    /// The network this responder's server listens on (meaningful with a scope).
    public let network: String
    /// Where unknown names go; nil for internal networks (no way out, names included).
    public let upstream: DNSUpstream?

    /// Largest UDP payload berth sends when the client advertises EDNS, a size that avoids IP
    /// fragmentation on ordinary links.
    static let maximumUDPPayload = 1232
    static let classicUDPPayload = 512

    public init(table: DNSRecordTable, ttl: UInt32 = 5) {
        self.table = table
        self.ttl = ttl
        self.scope = nil
        self.network = ""
        self.upstream = nil
    }

    /// A responder for the server on `network` that answers each asker only with addresses
    /// on networks it shares with them (see `DNSScope`).
    public init(scope: DNSScope, network: String, upstream: DNSUpstream? = nil, ttl: UInt32 = 5) {
        self.table = DNSRecordTable()
        self.ttl = ttl
        self.scope = scope
        self.network = network
        self.upstream = upstream
    }

    /// The servers to relay `query` to instead of answering it: a standard query for one
    /// Internet-class dotted name that no container of any network has, from an asker with
    /// upstream servers. Empty means answer it here.
    public func forwardTargets(for query: [UInt8], from client: IPv4Address?) -> [SocketAddressV4] {
        guard let upstream, let message = try? DNSMessage(parsing: query), !message.flags.isResponse,
            message.flags.opcode == 0, message.questions.count == 1,
            message.questions[0].recordClass == DNSRecord.classInternet
        else { return [] }
        let name = message.questions[0].name
        // Single-label names are the stack's own (or typos of them): never sent out.
        guard name.split(separator: ".").count > 1 else { return [] }
        let known = scope.map { $0.knows(name) } ?? (table.addresses(for: name) != nil)
        return known ? [] : upstream.servers(for: client)
    }

    /// SERVFAIL for `query`: what a client gets when no upstream server answered in time.
    public func serverFailure(for query: [UInt8]) -> [UInt8]? {
        guard let message = try? DNSMessage(parsing: query) else { return nil }
        var reply = DNSMessage(id: message.id)
        reply.flags.isResponse = true
        reply.flags.recursionDesired = message.flags.recursionDesired
        reply.flags.responseCode = .serverFailure
        reply.questions = message.questions
        return reply.encoded()
    }

    /// The reply bytes, or nil when the datagram is not worth answering (not a query, or too
    /// short to hold a header).
    /// `client` is the asker's address, used by a scoped responder.
    public func respond(to query: [UInt8], overTCP: Bool, from client: IPv4Address? = nil) -> [UInt8]? {
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
            answer(message.questions[0], from: client, into: &reply)
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

    private func answer(_ question: DNSQuestion, from client: IPv4Address?, into reply: inout DNSMessage) {
        guard question.recordClass == DNSRecord.classInternet || question.recordClass == DNSRecord.classAny else {
            reply.flags.responseCode = .refused
            return
        }
        let found =
            scope.map { $0.addresses(for: question.name, asker: client, network: network) }
            ?? table.addresses(for: question.name)
        guard let addresses = found else {
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
