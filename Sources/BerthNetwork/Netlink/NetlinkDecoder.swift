/// Reads little pieces of a received netlink buffer without trusting its lengths: every read
/// is bounds-checked, and a bad length ends parsing with a `NetlinkDecodingError`.
struct NetlinkDecodingError: Error, CustomStringConvertible {
    var reason: String
    var description: String { "malformed netlink reply: \(reason)" }
}

extension ArraySlice<UInt8> {
    func integer<T: FixedWidthInteger>(at offset: Int, as: T.Type = T.self) throws(NetlinkDecodingError) -> T {
        let size = MemoryLayout<T>.size
        let start = startIndex + offset
        guard offset >= 0, start + size <= endIndex else {
            throw NetlinkDecodingError(
                reason: "read of \(size) bytes at offset \(offset) past the end (\(count) bytes)")
        }
        var value: T = 0
        Swift.withUnsafeMutableBytes(of: &value) { raw in
            for i in 0..<size { raw[i] = self[start + i] }
        }
        return value
    }
}

/// One netlink message as received: header fields and the payload after the 16-byte header.
struct NetlinkMessage {
    var type: UInt16
    var flags: UInt16
    var sequence: UInt32
    var payload: ArraySlice<UInt8>

    /// Splits a datagram into messages (NLMSG_ALIGN'd, 4 bytes).
    static func split(_ datagram: [UInt8]) throws(NetlinkDecodingError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = 0
        let all = datagram[...]
        while offset + netlinkHeaderSize <= datagram.count {
            let length = Int(try all.integer(at: offset, as: UInt32.self))
            guard length >= netlinkHeaderSize, offset + length <= datagram.count else {
                throw NetlinkDecodingError(
                    reason: "message length \(length) at offset \(offset) does not fit \(datagram.count) bytes")
            }
            messages.append(
                NetlinkMessage(
                    type: try all.integer(at: offset + 4), flags: try all.integer(at: offset + 6),
                    sequence: try all.integer(at: offset + 8),
                    payload: all[(offset + netlinkHeaderSize)..<(offset + length)]))
            offset += (length + 3) & ~3
        }
        return messages
    }
}

/// Attributes of one level, by type. Later duplicates win, as the kernel's own parser does.
struct NetlinkAttributes {
    private(set) var values: [UInt16: ArraySlice<UInt8>] = [:]

    init(_ bytes: ArraySlice<UInt8>) throws(NetlinkDecodingError) {
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(try bytes.integer(at: offset, as: UInt16.self))
            // The top two bits are NLA_F_NESTED and NLA_F_NET_BYTEORDER, not part of the type.
            let type = try bytes.integer(at: offset + 2, as: UInt16.self) & 0x3FFF
            guard length >= 4, offset + length <= bytes.count else {
                throw NetlinkDecodingError(
                    reason: "attribute \(type) length \(length) at offset \(offset) overruns \(bytes.count) bytes")
            }
            let start = bytes.startIndex + offset
            values[type] = bytes[(start + 4)..<(start + length)]
            offset += (length + 3) & ~3
        }
    }

    subscript(type: UInt16) -> ArraySlice<UInt8>? { values[type] }

    func uint32(_ type: UInt16) throws(NetlinkDecodingError) -> UInt32? {
        guard let payload = values[type] else { return nil }
        return try payload.integer(at: 0)
    }

    /// A string attribute without its trailing NUL(s).
    func string(_ type: UInt16) -> String? {
        guard let payload = values[type] else { return nil }
        return String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
    }

    func ipv4(_ type: UInt16) -> IPv4Address? {
        values[type].flatMap { IPv4Address(bytes: $0) }
    }

    func nested(_ type: UInt16) throws(NetlinkDecodingError) -> NetlinkAttributes? {
        guard let payload = values[type] else { return nil }
        return try NetlinkAttributes(payload)
    }
}
