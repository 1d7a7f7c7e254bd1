import BerthSystem

@testable import BerthNetwork

/// A netlink peer for tests: it records every request `RouteNetlink` sends and answers the
/// way the kernel would for a small table of links, so request sequences are checked
/// without root. Links are looked up by name (RTM_GETLINK); a name it does not know gets
/// ENODEV; every other request is acknowledged, unless `refuse` names its message type.
final class RecordingNetlinkTransport: NetlinkTransport {
    struct Request: Equatable {
        var type: UInt16
        var flags: UInt16
        var bytes: [UInt8]
        /// IFLA_IFNAME of link requests, the interface index of the ifinfomsg otherwise.
        var name: String?
        var index: Int32
    }

    var links: [String: Int32]
    /// Message type → errno the peer answers it with.
    var refuse: [UInt16: Int32] = [:]
    private(set) var requests: [Request] = []
    private var pending: [[UInt8]] = []

    init(links: [String: Int32] = [:]) { self.links = links }

    /// The requests that change something (everything but look-ups), as `type name-or-index`.
    var changes: [String] {
        requests.filter { $0.type != MessageType.getLink }.map { request in
            let verb: String
            switch request.type {
            case MessageType.newLink: verb = "newlink"
            case MessageType.deleteLink: verb = "dellink"
            case MessageType.setLink: verb = "setlink"
            case MessageType.newAddress: verb = "newaddr"
            case MessageType.deleteAddress: verb = "deladdr"
            case MessageType.newRoute: verb = "newroute"
            case MessageType.deleteRoute: verb = "delroute"
            default: verb = "type\(request.type)"
            }
            return "\(verb) \(request.name ?? "#\(request.index)")"
        }
    }

    func send(_ message: [UInt8]) throws(SystemCallError) {
        guard let parsed = try? NetlinkMessage.split(message).first else {
            throw SystemCallError("send", "unparsable netlink request", errno: .invalid)
        }
        var name: String?
        var index: Int32 = 0
        let linkTypes = [MessageType.newLink, MessageType.deleteLink, MessageType.getLink, MessageType.setLink]
        if linkTypes.contains(parsed.type), parsed.payload.count >= 16 {
            index = (try? parsed.payload.integer(at: 4)) ?? 0
            name = (try? NetlinkAttributes(parsed.payload.dropFirst(16)))?.string(LinkAttribute.name)
        }
        requests.append(Request(type: parsed.type, flags: parsed.flags, bytes: message, name: name, index: index))
        pending.append(answer(parsed, name: name))
    }

    func receive() throws(SystemCallError) -> [UInt8] {
        guard !pending.isEmpty else { throw SystemCallError("recv", "no reply scripted", errno: .again) }
        return pending.removeFirst()
    }

    func close() {}

    private func answer(_ request: NetlinkMessage, name: String?) -> [UInt8] {
        if let errno = refuse[request.type] { return Self.error(-errno, sequence: request.sequence) }
        if request.type == MessageType.getLink, let name {
            guard let index = links[name] else { return Self.error(-19, sequence: request.sequence) }  // ENODEV
            var reply = NetlinkEncoder(type: MessageType.newLink, flags: 0, sequence: request.sequence)
            reply.appendInterfaceInfo(index: index)
            reply.attribute(LinkAttribute.name, string: name)
            return reply.finish()
        }
        if request.type == MessageType.newLink, let name, links[name] == nil {
            links[name] = Int32(100 + links.count)
        }
        return Self.error(0, sequence: request.sequence)
    }

    /// NLMSG_ERROR: `int error` (0 is an ACK), then the request's header (capped).
    static func error(_ code: Int32, sequence: UInt32) -> [UInt8] {
        var message = NetlinkEncoder(type: MessageType.error, flags: MessageFlags.capped, sequence: sequence)
        message.append(code)
        message.append(bytes: [UInt8](repeating: 0, count: 16))
        return message.finish()
    }
}
