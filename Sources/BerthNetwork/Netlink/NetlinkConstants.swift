// Values from the kernel's uapi headers (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h,
// linux/if_addr.h, linux/veth.h). Kept internal: callers use the typed requests.

enum MessageType {
    static let error: UInt16 = 2
    static let done: UInt16 = 3
    static let newLink: UInt16 = 16
    static let deleteLink: UInt16 = 17
    static let getLink: UInt16 = 18
    static let setLink: UInt16 = 19
    static let newAddress: UInt16 = 20
    static let deleteAddress: UInt16 = 21
    static let getAddress: UInt16 = 22
    static let newRoute: UInt16 = 24
    static let deleteRoute: UInt16 = 25
    static let getRoute: UInt16 = 26
}

enum MessageFlags {
    static let request: UInt16 = 0x1
    static let multi: UInt16 = 0x2
    /// NLM_F_DUMP_INTR: the dump may be inconsistent because the table changed during it.
    static let dumpInterrupted: UInt16 = 0x10
    static let ack: UInt16 = 0x4
    static let dump: UInt16 = 0x300
    static let excl: UInt16 = 0x200
    static let create: UInt16 = 0x400
    /// In an NLMSG_ERROR reply: extended-ack attributes follow the echoed header.
    static let ackTLVs: UInt16 = 0x200
    /// In an NLMSG_ERROR reply: the echoed request was cut to its header.
    static let capped: UInt16 = 0x100
}

enum LinkAttribute {
    static let address: UInt16 = 1
    static let name: UInt16 = 3
    static let mtu: UInt16 = 4
    static let master: UInt16 = 10
    static let operationalState: UInt16 = 16
    static let linkInfo: UInt16 = 18
    static let namespaceFD: UInt16 = 28
}

enum LinkInfoAttribute {
    static let kind: UInt16 = 1
    static let data: UInt16 = 2
}

enum VethAttribute {
    static let peer: UInt16 = 1
}

enum AddressAttribute {
    static let address: UInt16 = 1
    static let local: UInt16 = 2
}

enum RouteAttribute {
    static let destination: UInt16 = 1
    static let outputInterface: UInt16 = 4
    static let gateway: UInt16 = 5
    static let table: UInt16 = 15
}

enum ExtendedAckAttribute {
    static let message: UInt16 = 1
}

enum AddressFamily {
    static let unspecified: UInt8 = 0
    static let inet: UInt8 = 2
}

enum RouteConstants {
    static let mainTable: UInt8 = 254
    static let protocolBoot: UInt8 = 3
    static let scopeUniverse: UInt8 = 0
    static let scopeLink: UInt8 = 253
    static let scopeNowhere: UInt8 = 255
    static let typeUnicast: UInt8 = 1
}

/// `IFF_UP`.
let interfaceUpFlag: UInt32 = 0x1
let netlinkHeaderSize = 16
