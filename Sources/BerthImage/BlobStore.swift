import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Content-addressed files under `images/blobs/sha256/<hex>`. A blob only appears under its
/// name after its bytes hashed to that name and were fsynced (temp file + rename), so a
/// crash leaves at most a stray temp file, never a wrong blob.
struct BlobStore: Sendable {
    let directory: String
    let temporaryDirectory: String

    func path(_ digest: Digest) -> String { "\(directory)/\(digest.hex)" }

    func contains(_ digest: Digest) -> Bool { DirectoryTree.exists(path(digest)) }

    func size(_ digest: Digest) -> Int64? {
        var raw = stat()
        guard stat(path(digest), &raw) == 0 else { return nil }
        return Int64(raw.st_size)
    }

    /// Streams `source` into the store. With `expected`, a different hash is an error naming
    /// `what`; without, the blob is stored under whatever it hashes to.
    @discardableResult
    func write(from source: any ByteStream, expected: Digest?, size expectedSize: Int64? = nil, what: String) throws
        -> (digest: Digest, size: Int64)
    {
        let temporary = try TemporaryFile(in: temporaryDirectory, prefix: "berth-blob-")
        defer { temporary.discard() }
        let sink = HashingSink(FileOutputSink(temporary.descriptor))
        try withUnsafeTemporaryAllocation(byteCount: 256 * 1024, alignment: 16) { buffer in
            while true {
                let n = try source.read(into: buffer)
                if n == 0 { break }
                try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
        }
        let digest = sink.digest
        if let expected, expected != digest {
            throw ImageError.digestMismatch(what: what, expected: expected, actual: digest)
        }
        if let expectedSize, expectedSize != sink.byteCount {
            throw ImageError.sizeMismatch(what: what, expected: expectedSize, actual: sink.byteCount)
        }
        try temporary.commit(to: path(digest))
        return (digest, sink.byteCount)
    }

    @discardableResult
    func write(_ bytes: [UInt8], expected: Digest?, what: String) throws -> Digest {
        let digest = Digest.of(bytes)
        if let expected, expected != digest {
            throw ImageError.digestMismatch(what: what, expected: expected, actual: digest)
        }
        if contains(digest) { return digest }
        let temporary = try TemporaryFile(in: temporaryDirectory, prefix: "berth-blob-")
        defer { temporary.discard() }
        try temporary.descriptor.writeAll(bytes)
        try temporary.commit(to: path(digest))
        return digest
    }

    /// Reads a small blob (manifest, config) and re-verifies it, so a flipped byte on disk is
    /// reported instead of trusted.
    func read(_ digest: Digest, what: String, limit: Int = 16 * 1024 * 1024) throws -> [UInt8] {
        let descriptor = try open(digest, what: what)
        defer { descriptor.close() }
        let bytes = try FileInputStream(descriptor).readAll(limit: limit, what: what)
        let actual = Digest.of(bytes)
        guard actual == digest else { throw ImageError.digestMismatch(what: what, expected: digest, actual: actual) }
        return bytes
    }

    func open(_ digest: Digest, what: String) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(path(digest), O_RDONLY)
        } catch let error where error.errno == .noEntry {
            throw ImageError.missingBlob(digest, needed: what)
        }
    }

    /// Re-hashes a blob of any size.
    func verify(_ digest: Digest, what: String) throws {
        let descriptor = try open(digest, what: what)
        defer { descriptor.close() }
        let hashing = HashingStream(FileInputStream(descriptor))
        try hashing.drain()
        guard hashing.digest == digest else {
            throw ImageError.digestMismatch(what: what, expected: digest, actual: hashing.digest)
        }
    }

    func allDigests() throws -> [Digest] {
        let descriptor = try FileDescriptor.open(directory, DirectoryTree.directoryFlags)
        defer { descriptor.close() }
        return try descriptor.directoryEntryNames().compactMap { try? Digest(hex: $0) }
    }
}

/// A file created under a temporary name and either renamed into place (after fsync) or
/// removed.
final class TemporaryFile {
    let path: String
    let descriptor: FileDescriptor
    private var committed = false

    init(in directory: String, prefix: String) throws {
        path = "\(directory)/\(prefix)\(UInt64.random(in: 0...UInt64.max))"
        descriptor = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o644)
    }

    func commit(to destination: String) throws {
        try descriptor.sync()
        try retryingOnInterrupt("rename", "\"\(path)\", \"\(destination)\"") { rename(path, destination) }
        committed = true
        let (parent, _) = DirectoryTree.split(destination)
        if let directory = try? FileDescriptor.open(parent, DirectoryTree.directoryFlags) {
            try? directory.sync()
            directory.close()
        }
    }

    func discard() {
        descriptor.close()
        if !committed { unlink(path) }
    }
}

extension BlobStore {
    /// Stores whatever `produce` writes, under the digest it hashes to.
    func write(what: String, _ produce: (any ByteSink) throws -> Void) throws -> (digest: Digest, size: Int64) {
        let temporary = try TemporaryFile(in: temporaryDirectory, prefix: "berth-blob-")
        defer { temporary.discard() }
        let sink = HashingSink(FileOutputSink(temporary.descriptor))
        try produce(sink)
        try temporary.commit(to: path(sink.digest))
        return (sink.digest, sink.byteCount)
    }
}
