/// Builds one netlink message: a 16-byte `nlmsghdr`, a fixed family header, then attributes,
/// each padded to 4 bytes (NLA_ALIGNTO). Lengths are patched in when a message or nest closes.
struct NetlinkEncoder {
    private(set) var bytes: [UInt8] = []

    init(type: UInt16, flags: UInt16, sequence: UInt32) {
        append(UInt32(0))  // nlmsg_len, patched by `finish()`
        append(type)
        append(flags)
        append(sequence)
        append(UInt32(0))  // nlmsg_pid: 0 lets the kernel fill in our port
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    mutating func append(bytes more: [UInt8]) { bytes.append(contentsOf: more) }

    /// `struct ifinfomsg`: family, pad, type, index, flags, change.
    mutating func appendInterfaceInfo(index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) {
        append(AddressFamily.unspecified)
        append(UInt8(0))
        append(UInt16(0))
        append(index)
        append(flags)
        append(change)
    }

    private mutating func pad() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    mutating func attribute(_ type: UInt16, _ payload: [UInt8]) {
        append(UInt16(4 + payload.count))
        append(type)
        bytes.append(contentsOf: payload)
        pad()
    }

    mutating func attribute(_ type: UInt16, uint32 value: UInt32) {
        var payload: [UInt8] = []
        withUnsafeBytes(of: value) { payload.append(contentsOf: $0) }
        attribute(type, payload)
    }

    /// A NUL-terminated string attribute, as the kernel's NLA_STRING/NLA_NUL_STRING accept.
    mutating func attribute(_ type: UInt16, string: String) {
        attribute(type, Array(string.utf8) + [0])
    }

    /// An attribute whose payload is built by `body`; its length covers everything `body` added.
    mutating func nested(_ type: UInt16, _ body: (inout NetlinkEncoder) -> Void) {
        let start = bytes.count
        append(UInt16(0))
        append(type)
        body(&self)
        let length = UInt16(bytes.count - start)
        withUnsafeBytes(of: length) { raw in
            bytes[start] = raw[0]
            bytes[start + 1] = raw[1]
        }
        pad()
    }

    func finish() -> [UInt8] {
        var result = bytes
        let length = UInt32(result.count)
        withUnsafeBytes(of: length) { raw in
            for i in 0..<4 { result[i] = raw[i] }
        }
        return result
    }
}
