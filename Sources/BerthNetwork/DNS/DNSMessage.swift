/// A DNS message (RFC 1035 §4) as berth's embedded server needs it: header flags, questions
/// and resource records with raw RDATA. Parsing follows compression pointers; encoding
/// compresses repeated owner names with a pointer to their first occurrence.
public struct DNSMessage: Hashable, Sendable {
    public struct Flags: Hashable, Sendable {
        public var isResponse = false
        public var opcode: UInt8 = 0
        public var authoritative = false
        public var truncated = false
        public var recursionDesired = false
        public var recursionAvailable = false
        public var responseCode: ResponseCode = .noError

        public init() {}

        init(raw: UInt16) {
            isResponse = raw & 0x8000 != 0
            opcode = UInt8((raw >> 11) & 0xF)
            authoritative = raw & 0x0400 != 0
            truncated = raw & 0x0200 != 0
            recursionDesired = raw & 0x0100 != 0
            recursionAvailable = raw & 0x0080 != 0
            responseCode = ResponseCode(rawValue: UInt8(raw & 0xF))
        }

        var raw: UInt16 {
            var value = UInt16(opcode & 0xF) << 11 | UInt16(responseCode.rawValue & 0xF)
            if isResponse { value |= 0x8000 }
            if authoritative { value |= 0x0400 }
            if truncated { value |= 0x0200 }
            if recursionDesired { value |= 0x0100 }
            if recursionAvailable { value |= 0x0080 }
            return value
        }
    }

    public struct ResponseCode: Hashable, Sendable, RawRepresentable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let noError = ResponseCode(rawValue: 0)
        public static let formatError = ResponseCode(rawValue: 1)
        public static let serverFailure = ResponseCode(rawValue: 2)
        public static let nameError = ResponseCode(rawValue: 3)
        public static let notImplemented = ResponseCode(rawValue: 4)
        public static let refused = ResponseCode(rawValue: 5)
    }

    public var id: UInt16
    public var flags: Flags
    public var questions: [DNSQuestion]
    public var answers: [DNSRecord]
    public var authorities: [DNSRecord]
    public var additionals: [DNSRecord]

    public init(
        id: UInt16, flags: Flags = Flags(), questions: [DNSQuestion] = [], answers: [DNSRecord] = [],
        authorities: [DNSRecord] = [], additionals: [DNSRecord] = []
    ) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    public init(parsing bytes: [UInt8]) throws(DNSParseError) {
        var reader = DNSReader(bytes)
        id = try reader.uint16()
        flags = Flags(raw: try reader.uint16())
        let counts = [try reader.uint16(), try reader.uint16(), try reader.uint16(), try reader.uint16()]
        questions = []
        for _ in 0..<counts[0] {
            questions.append(
                DNSQuestion(name: try reader.name(), type: try reader.uint16(), recordClass: try reader.uint16()))
        }
        answers = try (0..<counts[1]).map { _ throws(DNSParseError) in try reader.record() }
        authorities = try (0..<counts[2]).map { _ throws(DNSParseError) in try reader.record() }
        additionals = try (0..<counts[3]).map { _ throws(DNSParseError) in try reader.record() }
    }

    public func encoded() -> [UInt8] {
        var writer = DNSWriter()
        writer.uint16(id)
        writer.uint16(flags.raw)
        for count in [questions.count, answers.count, authorities.count, additionals.count] {
            writer.uint16(UInt16(clamping: count))
        }
        for question in questions {
            writer.name(question.name)
            writer.uint16(question.type)
            writer.uint16(question.recordClass)
        }
        for record in answers + authorities + additionals {
            writer.name(record.name)
            writer.uint16(record.type)
            writer.uint16(record.recordClass)
            writer.uint32(record.ttl)
            writer.uint16(UInt16(clamping: record.data.count))
            writer.bytes.append(contentsOf: record.data)
        }
        return writer.bytes
    }
}

public struct DNSQuestion: Hashable, Sendable {
    public var name: String
    public var type: UInt16
    public var recordClass: UInt16

    public init(name: String, type: UInt16, recordClass: UInt16 = DNSRecord.classInternet) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }
}

public struct DNSRecord: Hashable, Sendable {
    public static let typeA: UInt16 = 1
    public static let typeAAAA: UInt16 = 28
    public static let typeOPT: UInt16 = 41
    public static let typeANY: UInt16 = 255
    public static let classInternet: UInt16 = 1
    public static let classAny: UInt16 = 255

    public var name: String
    public var type: UInt16
    public var recordClass: UInt16
    public var ttl: UInt32
    public var data: [UInt8]

    public init(name: String, type: UInt16, recordClass: UInt16 = DNSRecord.classInternet, ttl: UInt32, data: [UInt8]) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }

    public static func a(_ name: String, _ address: IPv4Address, ttl: UInt32) -> DNSRecord {
        DNSRecord(name: name, type: typeA, ttl: ttl, data: address.bytes)
    }

    /// The address of an A record.
    public var ipv4: IPv4Address? { type == DNSRecord.typeA ? IPv4Address(bytes: data) : nil }
}

public struct DNSParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var offset: Int
    public var description: String { "malformed DNS message at byte \(offset): \(reason)" }
}
