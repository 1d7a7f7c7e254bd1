import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension ImageStore {
    /// Removes a name (or, given an ID or digest, every name of that image), then frees the
    /// blobs and layers nothing references any more. Refuses when the image would disappear
    /// while a container uses it, unless `force`.
    @discardableResult
    public func remove(_ text: String, force: Bool = false) throws -> PruneResult {
        try withWriteLock {
            var records = try index.read()
            let removed: [ImageIndexFile.Record]
            if let reference = try? ImageReference(parsing: text),
                let record = records.first(where: { $0.reference == reference.description })
            {
                removed = [record]
            } else {
                let manifest = try resolveIdentifier(text)
                removed = records.filter { $0.manifest == manifest }
            }
            let manifests = Set(removed.map(\.manifest))
            records.removeAll { record in removed.contains(record) }
            for manifest in manifests where !records.contains(where: { $0.manifest == manifest }) {
                if !force && isInUse(manifest) { throw ImageError.imageInUse(text, manifest: manifest) }
            }
            try index.write(records)
            var result = try collectGarbage(records: records)
            result.removedReferences = removed.map { $0.reference ?? $0.manifest.description }
            return result
        }
    }

    /// Drops unnamed images no container uses, then every blob and layer directory no stored
    /// image references, and leftovers of interrupted writers.
    @discardableResult
    public func prune() throws -> PruneResult {
        try withWriteLock {
            var records = try index.read()
            let dangling = records.filter { $0.reference == nil && !isInUse($0.manifest) }
            if !dangling.isEmpty {
                records.removeAll { dangling.contains($0) }
                try index.write(records)
            }
            var result = try collectGarbage(records: records)
            result.removedReferences = dangling.map(\.manifest.description)
            return result
        }
    }

    /// Caller holds the lock.
    private func collectGarbage(records: [ImageIndexFile.Record]) throws -> PruneResult {
        var liveBlobs: Set<Digest> = []
        var liveLayers: Set<String> = []
        for manifestDigest in Set(records.map(\.manifest)) {
            liveBlobs.insert(manifestDigest)
            let manifest = try loadManifest(manifestDigest)
            liveBlobs.insert(manifest.config.digest)
            for layer in manifest.layers { liveBlobs.insert(layer.digest) }
            let configBytes = try blobs.read(manifest.config.digest, what: "config of \(manifestDigest)")
            let config = try JSON.decode(
                ConfigDocument.self, from: configBytes, what: "config \(manifest.config.digest)")
            for diffID in config.rootfs.diff_ids { liveLayers.insert(diffID.hex) }
        }
        var result = PruneResult(removedReferences: [], removedBlobs: 0, removedLayers: 0, reclaimedBytes: 0)
        let blobDirectory = try FileDescriptor.open(blobs.directory, DirectoryTree.directoryFlags)
        defer { blobDirectory.close() }
        for name in try blobDirectory.directoryEntryNames() {
            if let digest = try? Digest(hex: name), liveBlobs.contains(digest) { continue }
            result.reclaimedBytes += (try blobDirectory.statusAt(name))?.size ?? 0
            try DirectoryTree.remove(name, in: blobDirectory)
            result.removedBlobs += 1
        }
        let layerDirectory = try FileDescriptor.open(layersDirectory, DirectoryTree.directoryFlags)
        defer { layerDirectory.close() }
        for name in try layerDirectory.directoryEntryNames() where !liveLayers.contains(name) {
            try DirectoryTree.remove(name, in: layerDirectory)
            result.removedLayers += 1
        }
        return result
    }
}
