import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension ImageStore {
    /// Makes a one-layer image from a root filesystem: a directory (archived by berth, gzip or
    /// plain per `compression`) or a tar file (stored as given, plain or gzip). `changes`
    /// set how it runs (CMD, ENV, ...).
    public func importRootfs(
        from path: String, as references: [ImageReference], changes: [ImageChange] = [],
        compression: LayerCompression? = nil
    ) throws -> StoredImage {
        try withWriteLock {
            let layer: Descriptor
            var knownDiffID: Digest?
            if DirectoryTree.isDirectory(path) {
                let chosen = compression ?? .gzip
                var diffID: Digest?
                let stored = try blobs.write(what: "layer of \(path)") { sink in
                    if chosen == .gzip {
                        let gzip = try GzipOutputSink(sink)
                        let diff = HashingSink(gzip)
                        try RootfsArchiver(TarWriter(diff)).archive(directory: path)
                        try gzip.finish()
                        diffID = diff.digest
                    } else {
                        let diff = HashingSink(sink)
                        try RootfsArchiver(TarWriter(diff)).archive(directory: path)
                        diffID = diff.digest
                    }
                }
                knownDiffID = diffID
                layer = Descriptor(
                    mediaType: chosen == .gzip ? MediaType.ociLayerGzip : MediaType.ociLayer, digest: stored.digest,
                    size: stored.size)
            } else {
                if let compression {
                    throw ImageError.invalidChange(
                        "--compression \(compression.rawValue)",
                        reason: "only applies when importing a directory; a tar file is stored as it is")
                }
                let file = try FileDescriptor.open(path, O_RDONLY)
                defer { file.close() }
                var prefix = [UInt8](repeating: 0, count: 4)
                let got = try prefix.withUnsafeMutableBytes { try FileInputStream(file).readFully(into: $0) }
                try file.seek(to: 0)
                let mediaType: String
                switch Compression.sniff(Array(prefix[0..<got])) {
                case .gzip: mediaType = MediaType.ociLayerGzip
                case .none: mediaType = MediaType.ociLayer
                case .zstd: mediaType = MediaType.ociLayerZstd
                }
                let stored = try blobs.write(from: FileInputStream(file), expected: nil, what: path)
                layer = Descriptor(mediaType: mediaType, digest: stored.digest, size: stored.size)
            }
            let diffID = try ensureLayer(layer, expectedDiffID: knownDiffID, blobVerified: true)
            var config = ImageConfig(created: ImageIndexFile.now(), diffIDs: [diffID])
            for change in changes { change.apply(to: &config) }
            let configBytes = try JSON.encode(ConfigDocument(config: config, history: "berth image import \(path)"))
            let manifest = Manifest(
                schemaVersion: 2, mediaType: MediaType.ociManifest,
                config: Descriptor(
                    mediaType: MediaType.ociConfig, digest: Digest.of(configBytes), size: Int64(configBytes.count)),
                layers: [layer])
            return try commit(
                manifestBytes: try JSON.encode(manifest), configBytes: configBytes, references: references, what: path,
                verifiedBlobs: [layer.digest])
        }
    }
}
