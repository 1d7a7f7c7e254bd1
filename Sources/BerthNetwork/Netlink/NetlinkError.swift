import BerthSystem

/// A kernel refusal of a netlink request, or a reply berth could not understand. It names the
/// operation and the link ("create bridge \"btbr-1a2b\""), the errno, and the kernel's own
/// extended-ack message when there is one.
public struct NetlinkError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var errno: Errno?
    public var kernelMessage: String?
    public var detail: String?

    public init(operation: String, errno: Errno?, kernelMessage: String? = nil, detail: String? = nil) {
        self.operation = operation
        self.errno = errno
        self.kernelMessage = kernelMessage
        self.detail = detail
    }

    public var description: String {
        var text = "netlink: \(operation) failed"
        if let errno { text += ": \(errno)" }
        if let kernelMessage, !kernelMessage.isEmpty { text += " — kernel says: \(kernelMessage)" }
        if let detail { text += " (\(detail))" }
        return text
    }

    /// Decodes an NLMSG_ERROR payload: `int error`, the echoed request header, then (with
    /// NLM_F_ACK_TLVS) extended-ack attributes. Returns nil for an ACK (error 0).
    static func decode(_ message: NetlinkMessage, operation: String) throws(NetlinkDecodingError) -> NetlinkError? {
        let code: Int32 = try message.payload.integer(at: 0)
        if code == 0 { return nil }
        var kernelMessage: String?
        if message.flags & MessageFlags.ackTLVs != 0 {
            let echoedLength = Int(try message.payload.integer(at: 4, as: UInt32.self))
            let echoed =
                message.flags & MessageFlags.capped != 0 ? netlinkHeaderSize : max(echoedLength, netlinkHeaderSize)
            let tlvStart = 4 + ((echoed + 3) & ~3)
            if tlvStart <= message.payload.count {
                kernelMessage = try NetlinkAttributes(message.payload.dropFirst(tlvStart)).string(
                    ExtendedAckAttribute.message)
            }
        }
        return NetlinkError(operation: operation, errno: Errno(rawValue: -code), kernelMessage: kernelMessage)
    }
}
