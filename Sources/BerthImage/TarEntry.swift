/// One tar member after ustar, GNU long-name and PAX headers have been merged.
struct TarEntry: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case regular
        case hardLink
        case symbolicLink
        case characterDevice
        case blockDevice
        case directory
        case fifo
    }

    var path: String
    var kind: Kind
    var mode: UInt32
    var uid: UInt32
    var gid: UInt32
    var size: Int64
    var modificationSeconds: Int
    var modificationNanoseconds: Int
    var linkTarget: String
    var deviceMajor: UInt32
    var deviceMinor: UInt32
    /// From PAX `SCHILY.xattr.<name>` records, in header order.
    var extendedAttributes: [ExtendedAttribute]

    struct ExtendedAttribute: Sendable, Equatable {
        var name: String
        var value: [UInt8]
    }

    init(
        path: String, kind: Kind, mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0, size: Int64 = 0,
        modificationSeconds: Int = 0, modificationNanoseconds: Int = 0, linkTarget: String = "",
        deviceMajor: UInt32 = 0, deviceMinor: UInt32 = 0, extendedAttributes: [ExtendedAttribute] = []
    ) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.modificationSeconds = modificationSeconds
        self.modificationNanoseconds = modificationNanoseconds
        self.linkTarget = linkTarget
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
        self.extendedAttributes = extendedAttributes
    }
}
