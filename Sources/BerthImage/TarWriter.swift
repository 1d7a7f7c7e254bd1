/// Writes ustar headers, adding a PAX header when a name, link target, id or size does not
/// fit the fixed fields, or an entry carries xattrs.
final class TarWriter {
    private let sink: any ByteSink
    private var pendingPadding = 0

    init(_ sink: any ByteSink) { self.sink = sink }

    func writeHeader(_ entry: TarEntry) throws {
        try padPrevious()
        var records: [(String, [UInt8])] = []
        let name = entry.kind == .directory && !entry.path.hasSuffix("/") ? entry.path + "/" : entry.path
        if name.utf8.count > 100 || !name.utf8.allSatisfy({ $0 < 0x80 }) { records.append(("path", Array(name.utf8))) }
        if entry.linkTarget.utf8.count > 100 || !entry.linkTarget.utf8.allSatisfy({ $0 < 0x80 }) {
            records.append(("linkpath", Array(entry.linkTarget.utf8)))
        }
        if entry.uid > 0o7777777 { records.append(("uid", Array(String(entry.uid).utf8))) }
        if entry.gid > 0o7777777 { records.append(("gid", Array(String(entry.gid).utf8))) }
        if entry.size > 0o77777777777 { records.append(("size", Array(String(entry.size).utf8))) }
        for attribute in entry.extendedAttributes {
            records.append(("SCHILY.xattr.\(attribute.name)", attribute.value))
        }
        if !records.isEmpty {
            var body: [UInt8] = []
            for (key, value) in records { body += TarWriter.paxRecord(key: key, value: value) }
            var pax = TarEntry(
                path: "PaxHeaders/\(String(name.utf8.suffix(80)) ?? "entry")", kind: .regular, size: Int64(body.count))
            pax.mode = 0o644
            try sink.write(TarWriter.header(pax, typeFlag: UInt8(ascii: "x")))
            try sink.write(body)
            let padding = (512 - body.count % 512) % 512
            if padding > 0 { try sink.write([UInt8](repeating: 0, count: padding)) }
        }
        var plain = entry
        plain.path = name
        try sink.write(TarWriter.header(plain, typeFlag: TarWriter.typeFlag(entry.kind)))
        pendingPadding = entry.kind == .regular ? Int((512 - entry.size % 512) % 512) : 0
    }

    func writeContent(_ bytes: UnsafeRawBufferPointer) throws { try sink.write(bytes) }

    /// The end-of-archive marker: two zero blocks.
    func finish() throws {
        try padPrevious()
        try sink.write([UInt8](repeating: 0, count: 1024))
    }

    private func padPrevious() throws {
        if pendingPadding > 0 { try sink.write([UInt8](repeating: 0, count: pendingPadding)) }
        pendingPadding = 0
    }

    static func typeFlag(_ kind: TarEntry.Kind) -> UInt8 {
        switch kind {
        case .regular: return UInt8(ascii: "0")
        case .hardLink: return UInt8(ascii: "1")
        case .symbolicLink: return UInt8(ascii: "2")
        case .characterDevice: return UInt8(ascii: "3")
        case .blockDevice: return UInt8(ascii: "4")
        case .directory: return UInt8(ascii: "5")
        case .fifo: return UInt8(ascii: "6")
        }
    }

    static func paxRecord(key: String, value: [UInt8]) -> [UInt8] {
        let payload = Array(" \(key)=".utf8) + value + [UInt8(ascii: "\n")]
        var length = payload.count + 1
        while String(length).utf8.count + payload.count != length { length = String(length).utf8.count + payload.count }
        return Array(String(length).utf8) + payload
    }

    static func header(_ entry: TarEntry, typeFlag: UInt8) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: some Collection<UInt8>, at offset: Int, length: Int) {
            for (index, byte) in bytes.prefix(length).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int64, at offset: Int, length: Int) {
            let clamped = max(0, min(value, (Int64(1) << (3 * Int64(length - 1))) - 1))
            let digits = String(clamped, radix: 8)
            let padded = String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits
            put(Array(padded.utf8), at: offset, length: length - 1)
        }
        put(Array(entry.path.utf8), at: 0, length: 100)
        octal(Int64(entry.mode & 0o7777), at: 100, length: 8)
        octal(Int64(entry.uid), at: 108, length: 8)
        octal(Int64(entry.gid), at: 116, length: 8)
        octal(entry.kind == .regular || typeFlag == UInt8(ascii: "x") ? entry.size : 0, at: 124, length: 12)
        octal(Int64(entry.modificationSeconds), at: 136, length: 12)
        block[156] = typeFlag
        put(Array(entry.linkTarget.utf8), at: 157, length: 100)
        put(Array("ustar\0".utf8), at: 257, length: 6)
        put(Array("00".utf8), at: 263, length: 2)
        if entry.kind == .characterDevice || entry.kind == .blockDevice {
            octal(Int64(entry.deviceMajor), at: 329, length: 8)
            octal(Int64(entry.deviceMinor), at: 337, length: 8)
        }
        put(Array("        ".utf8), at: 148, length: 8)
        let checksum = block.reduce(0) { $0 + Int64($1) }
        octal(checksum, at: 148, length: 7)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return block
    }
}
