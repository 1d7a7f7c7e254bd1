import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What `load` stored: one entry per image in the archive.
public struct LoadedImage: Sendable, Equatable {
    public var references: [ImageReference]
    public var image: StoredImage
}

extension ImageStore {
    /// Loads a `docker save` archive, an OCI archive (tar of an OCI layout, possibly gzip'd)
    /// or an OCI layout directory. The archive is read once, streaming: blobs go straight
    /// into the store (verified where the archive names their digest).
    public func load(from path: String) throws -> [LoadedImage] {
        try withWriteLock {
            let source: ArchiveContents
            if DirectoryTree.isDirectory(path) {
                source = try ArchiveContents(layoutDirectory: path, blobs: blobs)
            } else {
                source = try ArchiveContents(archive: path, blobs: blobs)
            }
            if source.has("oci-layout") && source.has("index.json") {
                return try loadOCILayout(source, path: path)
            }
            if source.has("manifest.json") {
                return try loadDockerArchive(source, path: path)
            }
            throw ImageError.malformedArchive(
                path: path,
                reason: "it has neither manifest.json (docker save) nor oci-layout and index.json (OCI layout)")
        }
    }

    private func loadOCILayout(_ source: ArchiveContents, path: String) throws -> [LoadedImage] {
        struct LayoutMarker: Decodable { var imageLayoutVersion: String }
        let marker = try JSON.decode(
            LayoutMarker.self, from: try source.bytes("oci-layout"), what: "\(path): oci-layout")
        guard marker.imageLayoutVersion.hasPrefix("1.") else {
            throw ImageError.malformedArchive(
                path: path, reason: "OCI layout version \(marker.imageLayoutVersion) is not 1.x")
        }
        let index = try JSON.decode(
            ManifestIndex.self, from: try source.bytes("index.json"), what: "\(path): index.json")
        guard !index.manifests.isEmpty else {
            throw ImageError.malformedArchive(path: path, reason: "index.json lists no images")
        }
        var loaded: [LoadedImage] = []
        for descriptor in index.manifests {
            var references: [ImageReference] = []
            let annotations = descriptor.annotations ?? [:]
            if let name = annotations["io.containerd.image.name"] {
                references.append(try ImageReference(parsing: name))
            } else if let name = annotations["org.opencontainers.image.ref.name"],
                name.contains(":") || name.contains("/")
            {
                references.append(try ImageReference(parsing: name))
            }
            var manifestDescriptor = descriptor
            if MediaType.indexes.contains(descriptor.mediaType) {
                let nested = try JSON.decode(
                    ManifestIndex.self,
                    from: try blobs.read(descriptor.digest, what: "image index \(descriptor.digest)"),
                    what: "image index \(descriptor.digest)")
                manifestDescriptor = try nested.linuxAMD64(reference: references.first?.description ?? path)
            }
            guard MediaType.manifests.contains(manifestDescriptor.mediaType) else {
                throw ImageError.unsupportedMediaType(
                    manifestDescriptor.mediaType, what: "\(path): manifest \(manifestDescriptor.digest)")
            }
            let manifestBytes = try blobs.read(
                manifestDescriptor.digest, what: "manifest \(manifestDescriptor.digest) in \(path)")
            let manifest = try JSON.decode(
                Manifest.self, from: manifestBytes, what: "manifest \(manifestDescriptor.digest)")
            let configBytes = try blobs.read(
                manifest.config.digest, what: "config \(manifest.config.digest) in \(path)")
            let image = try commit(
                manifestBytes: manifestBytes, configBytes: configBytes, references: references,
                what: references.first?.description ?? "\(path) (\(manifestDescriptor.digest))",
                verifiedBlobs: source.written)
            loaded.append(LoadedImage(references: references, image: image))
        }
        return loaded
    }

    private func loadDockerArchive(_ source: ArchiveContents, path: String) throws -> [LoadedImage] {
        struct Entry: Decodable {
            var Config: String
            var RepoTags: [String]?
            var Layers: [String]
        }
        let entries = try JSON.decode(
            [Entry].self, from: try source.bytes("manifest.json"), what: "\(path): manifest.json")
        guard !entries.isEmpty else {
            throw ImageError.malformedArchive(path: path, reason: "manifest.json lists no images")
        }
        var loaded: [LoadedImage] = []
        for entry in entries {
            let references = try (entry.RepoTags ?? []).map { text throws(ImageError) in
                try ImageReference(parsing: text)
            }
            let configBytes = try source.bytes(entry.Config)
            var layers: [Descriptor] = []
            for layerPath in entry.Layers {
                let digest = try source.blobDigest(layerPath)
                let descriptor = try blobs.open(digest, what: "\(path): \(layerPath)")
                var prefix = [UInt8](repeating: 0, count: 4)
                let got = try prefix.withUnsafeMutableBytes { try FileInputStream(descriptor).readFully(into: $0) }
                descriptor.close()
                let mediaType: String
                switch Compression.sniff(Array(prefix[0..<got])) {
                case .none: mediaType = MediaType.ociLayer
                case .gzip: mediaType = MediaType.ociLayerGzip
                case .zstd: mediaType = MediaType.ociLayerZstd
                }
                layers.append(Descriptor(mediaType: mediaType, digest: digest, size: blobs.size(digest) ?? 0))
            }
            let manifest = Manifest(
                schemaVersion: 2, mediaType: MediaType.ociManifest,
                config: Descriptor(
                    mediaType: MediaType.ociConfig, digest: Digest.of(configBytes), size: Int64(configBytes.count)),
                layers: layers)
            let image = try commit(
                manifestBytes: try JSON.encode(manifest), configBytes: configBytes, references: references,
                what: references.first?.description ?? "\(path): \(entry.Config)", verifiedBlobs: source.written)
            loaded.append(LoadedImage(references: references, image: image))
        }
        return loaded
    }
}

/// The files of an archive or layout directory, after one pass: small metadata files in
/// memory, everything else already in the blob store, symlinks and hard links as aliases.
struct ArchiveContents {
    private var small: [String: [UInt8]] = [:]
    private var stored: [String: Digest] = [:]
    private var aliases: [String: String] = [:]
    /// Blobs this load hashed on their way into the store.
    private(set) var written: Set<Digest> = []
    private let origin: String
    private let blobs: BlobStore

    private static let metadataLimit = 8 * 1024 * 1024

    init(archive path: String, blobs: BlobStore) throws {
        origin = path
        self.blobs = blobs
        let file = try FileDescriptor.open(path, O_RDONLY)
        defer { file.close() }
        let reader = TarReader(try Compression.decompressing(FileInputStream(file), mediaType: ""))
        while let entry = try reader.next() {
            let name = try EntryPath(normalizing: entry.path, entry: entry.path).description
            switch entry.kind {
            case .regular:
                let content = TarContentStream(reader)
                if let digest = ArchiveContents.blobName(name) {
                    try blobs.write(from: content, expected: digest, size: entry.size, what: "\(path): \(name)")
                    stored[name] = digest
                    written.insert(digest)
                } else if entry.size <= ArchiveContents.metadataLimit
                    && (name.hasSuffix(".json") || name == "oci-layout" || name == "repositories")
                {
                    small[name] = try content.readAll(limit: ArchiveContents.metadataLimit, what: "\(path): \(name)")
                } else {
                    let digest = try blobs.write(from: content, expected: nil, what: "\(path): \(name)").digest
                    stored[name] = digest
                    written.insert(digest)
                }
            case .symbolicLink:
                // Relative targets resolve from the link's directory (docker links duplicate layers).
                let base = try EntryPath(normalizing: name, entry: name).parent
                let joined =
                    entry.linkTarget.hasPrefix("/") ? entry.linkTarget : "\(base.description)/\(entry.linkTarget)"
                aliases[name] = try EntryPath(normalizing: joined, entry: entry.path).description
            case .hardLink:
                aliases[name] = try EntryPath(normalizing: entry.linkTarget, entry: entry.path).description
            default:
                continue
            }
        }
    }

    /// An OCI layout directory: metadata read now, blobs copied in (and verified) on demand.
    init(layoutDirectory path: String, blobs: BlobStore) throws {
        origin = path
        self.blobs = blobs
        for name in ["oci-layout", "index.json"] where DirectoryTree.exists("\(path)/\(name)") {
            let file = try FileDescriptor.open("\(path)/\(name)", O_RDONLY)
            defer { file.close() }
            small[name] = try FileInputStream(file).readAll(
                limit: ArchiveContents.metadataLimit, what: "\(path)/\(name)")
        }
        let blobDirectory = "\(path)/blobs/sha256"
        guard DirectoryTree.isDirectory(blobDirectory) else {
            throw ImageError.malformedArchive(path: path, reason: "blobs/sha256 is missing")
        }
        let directory = try FileDescriptor.open(blobDirectory, DirectoryTree.directoryFlags)
        defer { directory.close() }
        for name in try directory.directoryEntryNames() {
            guard let digest = try? Digest(hex: name) else { continue }
            if !blobs.contains(digest) {
                let file = try directory.openAt(name, O_RDONLY | O_NOFOLLOW)
                defer { file.close() }
                try blobs.write(from: FileInputStream(file), expected: digest, what: "\(path)/blobs/sha256/\(name)")
                written.insert(digest)
            }
            stored["blobs/sha256/\(name)"] = digest
        }
    }

    func has(_ name: String) -> Bool { small[resolve(name)] != nil || stored[resolve(name)] != nil }

    /// A metadata file's bytes (or a small stored blob's).
    func bytes(_ name: String) throws -> [UInt8] {
        let resolved = resolve(name)
        if let bytes = small[resolved] { return bytes }
        if let digest = stored[resolved] { return try blobs.read(digest, what: "\(origin): \(name)") }
        throw ImageError.malformedArchive(path: origin, reason: "\(name) is missing")
    }

    func blobDigest(_ name: String) throws -> Digest {
        let resolved = resolve(name)
        if let digest = stored[resolved] { return digest }
        if let bytes = small[resolved] { return try blobs.write(bytes, expected: nil, what: "\(origin): \(name)") }
        throw ImageError.malformedArchive(path: origin, reason: "\(name) is missing")
    }

    private func resolve(_ name: String) -> String {
        var current = (try? EntryPath(normalizing: name, entry: name).description) ?? name
        for _ in 0..<16 {
            guard let next = aliases[current] else { return current }
            current = next
        }
        return current
    }

    private static func blobName(_ name: String) -> Digest? {
        guard name.hasPrefix("blobs/sha256/") else { return nil }
        return try? Digest(hex: String(name.dropFirst("blobs/sha256/".count)))
    }
}

/// The content of the current tar entry as a stream.
final class TarContentStream: ByteStream {
    private let reader: TarReader
    init(_ reader: TarReader) { self.reader = reader }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try reader.readContent(into: buffer) }
}
