/// How a layer's bytes are compressed, from its media type or, for archives that do not say,
/// from its magic bytes.
enum Compression: Sendable, Equatable {
    case none
    case gzip
    case zstd

    static func sniff(_ prefix: [UInt8]) -> Compression {
        if prefix.count >= 2 && prefix[0] == 0x1f && prefix[1] == 0x8b { return .gzip }
        if prefix.count >= 4 && prefix[0] == 0x28 && prefix[1] == 0xb5 && prefix[2] == 0x2f && prefix[3] == 0xfd {
            return .zstd
        }
        return .none
    }

    /// Wraps `upstream` so reads yield the uncompressed tar. The format is sniffed from the
    /// stream so a mislabelled layer still unpacks.
    static func decompressing(_ upstream: any ByteStream, mediaType: String) throws -> any ByteStream {
        try decompressingSniffed(upstream).stream
    }

    /// `decompressing`, also saying which format the stream turned out to be: an uncompressed
    /// layer's blob digest is its diffID, so it needs hashing only once.
    static func decompressingSniffed(_ upstream: any ByteStream) throws -> (stream: any ByteStream, format: Compression)
    {
        var prefix = [UInt8](repeating: 0, count: 4)
        let got = try prefix.withUnsafeMutableBytes { try upstream.readFully(into: $0) }
        prefix.removeLast(4 - got)
        let stream = PrefixedStream(prefix: prefix, upstream: upstream)
        let format = sniff(prefix)
        switch format {
        case .none: return (stream, format)
        case .gzip: return (try GzipInputStream(stream), format)
        case .zstd: return (try ZstdInputStream(stream), format)
        }
    }
}
