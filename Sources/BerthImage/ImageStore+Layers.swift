import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension ImageStore {
    /// Unpacks a layer blob into `layers/<diffID>` unless that directory exists. The blob is
    /// re-hashed while it streams (a flipped byte on disk is caught here) and the
    /// uncompressed stream must hash to `expectedDiffID` when given. Returns the diffID.
    @discardableResult
    func ensureLayer(_ layer: Descriptor, expectedDiffID: Digest?) throws -> Digest {
        if let expectedDiffID, DirectoryTree.isDirectory(layerDirectory(expectedDiffID)) { return expectedDiffID }
        let work = "\(temporaryDirectory)/berth-layer-\(UInt64.random(in: 0...UInt64.max))"
        try retryingOnInterrupt("mkdir", "\"\(work)\", 0o755") { mkdir(work, 0o755) }
        var keep = false
        defer { if !keep { try? TreeRemover(root: root).remove(work) } }
        let diffID = try unpack(layer, into: work)
        if let expectedDiffID, diffID != expectedDiffID {
            throw ImageError.digestMismatch(
                what: "uncompressed layer \(layer.digest) (the image config's rootfs.diff_ids)",
                expected: expectedDiffID,
                actual: diffID)
        }
        let destination = layerDirectory(diffID)
        if DirectoryTree.isDirectory(destination) { return diffID }
        try retryingOnInterrupt("rename", "\"\(work)\", \"\(destination)\"") { rename(work, destination) }
        keep = true
        return diffID
    }

    /// Streams blob → hash → decompress → hash → tar → directory; returns the diffID.
    func unpack(_ layer: Descriptor, into directory: String) throws -> Digest {
        let blob = try blobs.open(layer.digest, what: "layer \(layer.digest)")
        defer { blob.close() }
        let compressed = HashingStream(FileInputStream(blob))
        let uncompressed = HashingStream(try Compression.decompressing(compressed, mediaType: layer.mediaType))
        let root = try FileDescriptor.open(directory, DirectoryTree.directoryFlags)
        defer { root.close() }
        do {
            try LayerUnpacker(root: root).unpack(TarReader(uncompressed))
            try uncompressed.drain()
            try compressed.drain()
        } catch {
            // A corrupt blob usually shows up as garbage tar or gzip; name the real cause.
            try? compressed.drain()
            if compressed.digest != layer.digest {
                throw ImageError.digestMismatch(
                    what: "layer blob \(layer.digest)", expected: layer.digest, actual: compressed.digest)
            }
            throw error
        }
        guard compressed.digest == layer.digest else {
            throw ImageError.digestMismatch(
                what: "layer blob \(layer.digest)", expected: layer.digest, actual: compressed.digest)
        }
        return uncompressed.digest
    }

    /// Stores manifest and config, unpacks every layer (verifying diffIDs), then names the
    /// image — index last. Layer blobs must already be in the store. Caller holds the lock.
    func commit(manifestBytes: [UInt8], configBytes: [UInt8], references: [ImageReference], what: String) throws
        -> StoredImage
    {
        let manifestDigest = Digest.of(manifestBytes)
        let manifest = try JSON.decode(Manifest.self, from: manifestBytes, what: "manifest of \(what)")
        try manifest.validate(what: "manifest of \(what)")
        try blobs.write(configBytes, expected: manifest.config.digest, what: "config of \(what)")
        let document = try JSON.decode(ConfigDocument.self, from: configBytes, what: "config of \(what)")
        let config = try document.typed(what: "config of \(what)")
        guard config.diffIDs.count == manifest.layers.count else {
            throw ImageError.malformedJSON(
                what: "config of \(what)",
                reason:
                    "rootfs.diff_ids lists \(config.diffIDs.count) layers but the manifest has \(manifest.layers.count)"
            )
        }
        for (layer, diffID) in zip(manifest.layers, config.diffIDs) {
            guard blobs.contains(layer.digest) else { throw ImageError.missingBlob(layer.digest, needed: what) }
            try ensureLayer(layer, expectedDiffID: diffID)
        }
        try blobs.write(manifestBytes, expected: manifestDigest, what: "manifest of \(what)")
        try setReferences(references, manifest: manifestDigest)
        return try image(manifest: manifestDigest, reference: references.first)
    }
}
