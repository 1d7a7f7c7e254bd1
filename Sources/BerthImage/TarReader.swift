/// A streaming tar reader: ustar, GNU long names/links (`L`/`K`), PAX extended headers
/// (`x`, and global `g` applied to all later entries) with path, linkpath, size, uid, gid,
/// mtime and `SCHILY.xattr.*`. Sparse files and multi-volume archives are refused rather
/// than silently mangled.
final class TarReader {
    private let source: any ByteStream
    private var remainingContent: Int64 = 0
    private var remainingPadding: Int64 = 0
    private var globalRecords: [String: [UInt8]] = [:]
    private var ended = false
    private var header = [UInt8](repeating: 0, count: 512)

    init(_ source: any ByteStream) { self.source = source }

    /// The next entry, or nil after the end-of-archive marker. Skips any unread content of the
    /// previous entry.
    func next() throws -> TarEntry? {
        guard !ended else { return nil }
        try skip(remainingContent + remainingPadding)
        remainingContent = 0
        remainingPadding = 0
        var localRecords: [String: [UInt8]] = [:]
        var longName: String?
        var longLink: String?
        while true {
            guard try readHeaderBlock() else {
                ended = true
                return nil
            }
            let typeFlag = header[156]
            let size = try number(at: 124, length: 12, field: "size")
            guard size >= 0 else { throw ImageError.malformedTar("negative size in header of \"\(rawName())\"") }
            switch typeFlag {
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                let data = try readMetadata(size: size, what: "PAX header")
                let records = try TarReader.parsePAX(data)
                if typeFlag == UInt8(ascii: "g") {
                    globalRecords.merge(records) { $1 }
                } else {
                    localRecords.merge(records) { $1 }
                }
                continue
            case UInt8(ascii: "L"):
                longName = TarReader.cString(try readMetadata(size: size, what: "GNU long name"))
                continue
            case UInt8(ascii: "K"):
                longLink = TarReader.cString(try readMetadata(size: size, what: "GNU long link"))
                continue
            default:
                break
            }
            let records = globalRecords.merging(localRecords) { $1 }
            var entry = try makeEntry(typeFlag: typeFlag, size: size)
            if let longName { entry.path = longName }
            if let longLink { entry.linkTarget = longLink }
            try apply(records, to: &entry)
            // Like Go's archive/tar: links, devices, directories and fifos are header-only.
            let contentSize: Int64 = entry.kind == .regular ? entry.size : 0
            remainingContent = contentSize
            remainingPadding = (512 - contentSize % 512) % 512
            return entry
        }
    }

    /// Reads content of the current entry; 0 at its end.
    func readContent(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remainingContent > 0 else { return 0 }
        let want = Int(min(Int64(buffer.count), remainingContent))
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
        guard n > 0 else { throw ImageError.malformedTar("stream ends inside an entry's content (truncated archive)") }
        remainingContent -= Int64(n)
        return n
    }

    private func readHeaderBlock() throws -> Bool {
        let got = try header.withUnsafeMutableBytes { try source.readFully(into: $0) }
        if got == 0 { return false }  // End without the zero blocks: tolerated like GNU tar does.
        guard got == 512 else { throw ImageError.malformedTar("stream ends inside a 512-byte header block") }
        if header.allSatisfy({ $0 == 0 }) { return false }
        let stored = try number(at: 148, length: 8, field: "checksum")
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (index, byte) in header.enumerated() {
            let value = (148..<156).contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        guard stored == unsigned || stored == signed else {
            throw ImageError.malformedTar(
                "header checksum mismatch at entry \"\(rawName())\" (not a tar file, or corrupt)")
        }
        return true
    }

    private func makeEntry(typeFlag: UInt8, size: Int64) throws -> TarEntry {
        var name = TarReader.cString(header[0..<100])
        let magic = Array(header[257..<263])
        if magic == Array("ustar\0".utf8) {
            let prefix = TarReader.cString(header[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        let kind: TarEntry.Kind
        switch typeFlag {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): kind = name.hasSuffix("/") ? .directory : .regular
        case UInt8(ascii: "1"): kind = .hardLink
        case UInt8(ascii: "2"): kind = .symbolicLink
        case UInt8(ascii: "3"): kind = .characterDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        case UInt8(ascii: "S"):
            throw ImageError.unsafeTarEntry(entry: name, reason: "GNU sparse files are not supported")
        default:
            throw ImageError.unsafeTarEntry(
                entry: name, reason: "unsupported tar entry type '\(String(UnicodeScalar(typeFlag)))'")
        }
        return TarEntry(
            path: name,
            kind: kind,
            mode: UInt32(truncatingIfNeeded: try number(at: 100, length: 8, field: "mode")) & 0o7777,
            uid: UInt32(truncatingIfNeeded: try number(at: 108, length: 8, field: "uid")),
            gid: UInt32(truncatingIfNeeded: try number(at: 116, length: 8, field: "gid")),
            size: kind == .regular ? size : 0,
            modificationSeconds: Int(try number(at: 136, length: 12, field: "mtime")),
            linkTarget: TarReader.cString(header[157..<257]),
            deviceMajor: UInt32(truncatingIfNeeded: try number(at: 329, length: 8, field: "devmajor")),
            deviceMinor: UInt32(truncatingIfNeeded: try number(at: 337, length: 8, field: "devminor"))
        )
    }

    private func apply(_ records: [String: [UInt8]], to entry: inout TarEntry) throws {
        for (key, value) in records.sorted(by: { $0.key < $1.key }) {
            let text = String(decoding: value, as: UTF8.self)
            switch key {
            case "path": entry.path = text
            case "linkpath": entry.linkTarget = text
            case "size":
                guard let size = Int64(text), size >= 0 else {
                    throw ImageError.malformedTar("PAX size \"\(text)\" is not a number")
                }
                if entry.kind == .regular { entry.size = size }
            case "uid":
                guard let uid = UInt32(text) else {
                    throw ImageError.malformedTar("PAX uid \"\(text)\" is not a number")
                }
                entry.uid = uid
            case "gid":
                guard let gid = UInt32(text) else {
                    throw ImageError.malformedTar("PAX gid \"\(text)\" is not a number")
                }
                entry.gid = gid
            case "mtime":
                let parts = text.split(separator: ".", maxSplits: 1)
                guard let first = parts.first, let seconds = Int(first) else {
                    throw ImageError.malformedTar("PAX mtime \"\(text)\" is not a number")
                }
                entry.modificationSeconds = seconds
                if parts.count == 2 {
                    let digits = String(parts[1].prefix(9)) + String(repeating: "0", count: max(0, 9 - parts[1].count))
                    entry.modificationNanoseconds = Int(digits) ?? 0
                }
            default:
                if key.hasPrefix("SCHILY.xattr.") {
                    entry.extendedAttributes.append(.init(name: String(key.dropFirst(13)), value: value))
                } else if key.hasPrefix("GNU.sparse.") {
                    throw ImageError.unsafeTarEntry(entry: entry.path, reason: "GNU sparse files are not supported")
                } else if key.hasPrefix("LIBARCHIVE.xattr.") {
                    throw ImageError.unsafeTarEntry(
                        entry: entry.path, reason: "LIBARCHIVE.xattr records are not supported; use SCHILY.xattr")
                }
            // Other keys (atime, ctime, uname, gname, comment, charset) describe nothing
            // berth restores: ownership is numeric, access times are not preserved.
            }
        }
        if entry.kind == .regular && entry.path.hasSuffix("/") { entry.kind = .directory }
    }

    private func readMetadata(size: Int64, what: String) throws -> [UInt8] {
        guard size <= 16 * 1024 * 1024 else { throw ImageError.malformedTar("\(what) of \(size) bytes is too large") }
        var data = [UInt8](repeating: 0, count: Int(size))
        let got = try data.withUnsafeMutableBytes { try source.readFully(into: $0) }
        guard got == Int(size) else { throw ImageError.malformedTar("stream ends inside a \(what)") }
        try skip((512 - size % 512) % 512)
        return data
    }

    private func skip(_ count: Int64) throws {
        var left = count
        guard left > 0 else { return }
        try withUnsafeTemporaryAllocation(byteCount: 64 * 1024, alignment: 16) { buffer in
            while left > 0 {
                let want = Int(min(Int64(buffer.count), left))
                let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
                guard n > 0 else { throw ImageError.malformedTar("stream ends inside an entry (truncated archive)") }
                left -= Int64(n)
            }
        }
    }

    /// Octal (NUL/space terminated) or GNU base-256 (high bit set) numeric field.
    private func number(at offset: Int, length: Int, field: String) throws -> Int64 {
        let bytes = header[offset..<offset + length]
        if let first = bytes.first, first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x7f)
            for byte in bytes.dropFirst() {
                guard value < (Int64.max >> 8) else { throw ImageError.malformedTar("\(field) field overflows") }
                value = (value << 8) | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var seenDigit = false
        for byte in bytes {
            if byte == 0 || (byte == UInt8(ascii: " ") && seenDigit) { break }
            if byte == UInt8(ascii: " ") { continue }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") else {
                throw ImageError.malformedTar("\(field) field of \"\(rawName())\" is not octal")
            }
            seenDigit = true
            value = value * 8 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private func rawName() -> String { TarReader.cString(header[0..<100]) }

    static func cString(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
    }

    /// PAX records: `<length> <key>=<value>\n`, length counting the whole record.
    static func parsePAX(_ data: [UInt8]) throws -> [String: [UInt8]] {
        var records: [String: [UInt8]] = [:]
        var index = 0
        while index < data.count {
            if data[index] == 0 { break }
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: data[index..<space], as: UTF8.self)), length > 0,
                index + length <= data.count, data[index + length - 1] == UInt8(ascii: "\n")
            else { throw ImageError.malformedTar("malformed PAX record at offset \(index)") }
            let record = data[(space + 1)..<(index + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw ImageError.malformedTar("PAX record without '=' at offset \(index)")
            }
            records[String(decoding: record[record.startIndex..<equals], as: UTF8.self)] = Array(
                record[(equals + 1)...])
            index += length
        }
        return records
    }
}
