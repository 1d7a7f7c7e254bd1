/// Bounds-checked reading of DNS wire format, including compression pointers (which may
/// only point backwards, so a crafted message cannot loop the parser).
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func uint8() throws(DNSParseError) -> UInt8 {
        guard offset < bytes.count else { throw DNSParseError(reason: "unexpected end of message", offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16() throws(DNSParseError) -> UInt16 {
        UInt16(try uint8()) << 8 | UInt16(try uint8())
    }

    mutating func uint32() throws(DNSParseError) -> UInt32 {
        UInt32(try uint16()) << 16 | UInt32(try uint16())
    }

    mutating func take(_ count: Int) throws(DNSParseError) -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else {
            throw DNSParseError(reason: "field of \(count) bytes runs past the end", offset: offset)
        }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// A domain name as dotted text without the trailing dot ("" is the root).
    mutating func name() throws(DNSParseError) -> String {
        var labels: [String] = []
        var position = offset
        var resumeAt: Int?
        var wireLength = 0
        var jumps = 0
        while true {
            guard position < bytes.count else {
                throw DNSParseError(reason: "name runs past the end", offset: position)
            }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0xC0:
                guard position + 1 < bytes.count else {
                    throw DNSParseError(reason: "truncated compression pointer", offset: position)
                }
                let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < position, jumps < 64 else {
                    throw DNSParseError(
                        reason: "compression pointer to \(target) does not point backwards", offset: position)
                }
                jumps += 1
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
            case 0x00:
                if length == 0 {
                    offset = resumeAt ?? position + 1
                    return labels.joined(separator: ".")
                }
                guard position + 1 + length <= bytes.count else {
                    throw DNSParseError(reason: "label runs past the end", offset: position)
                }
                wireLength += length + 1
                guard wireLength <= 255 else {
                    throw DNSParseError(reason: "name longer than 255 bytes", offset: position)
                }
                labels.append(String(decoding: bytes[(position + 1)...(position + length)], as: UTF8.self))
                position += 1 + length
            default:
                throw DNSParseError(reason: "unsupported label type 0x\(String(length, radix: 16))", offset: position)
            }
        }
    }

    mutating func record() throws(DNSParseError) -> DNSRecord {
        let name = try name()
        let type = try uint16()
        let recordClass = try uint16()
        let ttl = try uint32()
        let length = Int(try uint16())
        return DNSRecord(name: name, type: type, recordClass: recordClass, ttl: ttl, data: try take(length))
    }
}

struct DNSWriter {
    var bytes: [UInt8] = []
    private var nameOffsets: [String: Int] = [:]

    mutating func uint16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }

    mutating func uint32(_ value: UInt32) {
        uint16(UInt16(value >> 16))
        uint16(UInt16(value & 0xFFFF))
    }

    /// Writes `name`, or a pointer to an identical name written earlier (case-insensitive).
    mutating func name(_ name: String) {
        let key = name.lowercased()
        if !key.isEmpty, let earlier = nameOffsets[key], earlier < 0x4000 {
            uint16(0xC000 | UInt16(earlier))
            return
        }
        if !key.isEmpty { nameOffsets[key] = bytes.count }
        for label in name.split(separator: ".", omittingEmptySubsequences: true) {
            let utf8 = Array(label.utf8.prefix(63))
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
    }
}
