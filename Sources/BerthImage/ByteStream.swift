import BerthSystem

/// A pull-based byte source. Layers are unpacked through a chain of these (file → hash →
/// gunzip → hash → tar) so memory stays bounded by the buffers, never by layer size.
protocol ByteStream: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteStream {
    /// Reads exactly `buffer.count` bytes unless the stream ends first; returns the count read.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        return filled
    }

    /// Reads and discards everything left, so hashes over the stream cover it all.
    func drain() throws {
        try withUnsafeTemporaryAllocation(byteCount: 64 * 1024, alignment: 16) { buffer in
            while try read(into: buffer) > 0 {}
        }
    }

    /// Reads the whole stream into memory; only for small JSON documents, capped by `limit`.
    func readAll(limit: Int, what: String) throws -> [UInt8] {
        var result: [UInt8] = []
        try withUnsafeTemporaryAllocation(byteCount: 64 * 1024, alignment: 16) { buffer in
            while true {
                let n = try read(into: buffer)
                if n == 0 { break }
                result.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                if result.count > limit {
                    throw ImageError.malformedJSON(what: what, reason: "larger than \(limit) bytes")
                }
            }
        }
        return result
    }
}

/// Reads a file descriptor it does not own.
final class FileInputStream: ByteStream {
    let descriptor: FileDescriptor

    init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try descriptor.read(into: buffer)
    }
}

/// Hashes and counts what passes through, for blob digests and layer diffIDs.
final class HashingStream: ByteStream {
    private let upstream: any ByteStream
    private(set) var hasher = StreamHasher()

    init(_ upstream: any ByteStream) { self.upstream = upstream }

    var byteCount: Int64 { Int64(hasher.byteCount) }
    var digest: Digest { hasher.digest }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try upstream.read(into: buffer)
        if n > 0 { hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
        return n
    }
}

/// Serves a few already-read bytes before the rest of the upstream, so the compression
/// format can be sniffed from magic bytes without consuming them.
final class PrefixedStream: ByteStream {
    private var prefix: [UInt8]
    private var prefixOffset = 0
    private let upstream: any ByteStream

    init(prefix: [UInt8], upstream: any ByteStream) {
        self.prefix = prefix
        self.upstream = upstream
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if prefixOffset < prefix.count {
            let count = min(buffer.count, prefix.count - prefixOffset)
            prefix.withUnsafeBytes { raw in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[prefixOffset..<prefixOffset + count]))
            }
            prefixOffset += count
            if prefixOffset == prefix.count { prefix = []; prefixOffset = 0 }
            return count
        }
        return try upstream.read(into: buffer)
    }
}

/// A byte sink; the tar writer and blob writers push through these.
protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

final class FileOutputSink: ByteSink {
    let descriptor: FileDescriptor
    init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }
    func write(_ bytes: UnsafeRawBufferPointer) throws { try descriptor.writeAll(bytes) }
}

final class HashingSink: ByteSink {
    private let downstream: any ByteSink
    private(set) var hasher = StreamHasher()
    init(_ downstream: any ByteSink) { self.downstream = downstream }
    var byteCount: Int64 { Int64(hasher.byteCount) }
    var digest: Digest { hasher.digest }
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        try downstream.write(bytes)
    }
}
