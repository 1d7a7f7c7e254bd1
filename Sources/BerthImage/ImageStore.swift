import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The content-addressed image store under `<root>/images`:
///
///     blobs/sha256/<hex>      manifests, configs, layer blobs (verified on write)
///     layers/<diffID hex>/    unpacked layers, shared by every image that uses them
///     index.json              names → manifest digests (replaced atomically, written last)
///     lock                    flock held by writers
///     tmp/                    work area of the writer holding the lock
///
/// Writers take the lock for their whole operation and write blobs and layers before the
/// index, so an interrupted load or pull leaves no half image behind.
public struct ImageStore: Sendable {
    public let root: String
    let imagesDirectory: String
    let blobs: BlobStore
    let layersDirectory: String
    let temporaryDirectory: String
    let index: ImageIndexFile
    let isInUse: @Sendable (Digest) -> Bool

    /// `root` is berth's state directory. `isInUse` is asked, with a manifest digest, before
    /// an image is removed; the runtime plugs in its knowledge of containers there.
    public init(root: String, isInUse: @escaping @Sendable (Digest) -> Bool = { _ in false }) {
        self.root = root
        imagesDirectory = RootLayout(root: root).images
        temporaryDirectory = "\(imagesDirectory)/tmp"
        blobs = BlobStore(directory: "\(imagesDirectory)/blobs/sha256", temporaryDirectory: temporaryDirectory)
        layersDirectory = "\(imagesDirectory)/layers"
        index = ImageIndexFile(path: "\(imagesDirectory)/index.json", temporaryDirectory: temporaryDirectory)
        self.isInUse = isInUse
    }

    /// The unpacked directory of a layer, by diffID.
    public func layerDirectory(_ diffID: Digest) -> String { "\(layersDirectory)/\(diffID.hex)" }

    // MARK: Lookup

    /// The stored image for `reference`. A digest reference matches any stored manifest with
    /// that digest, whatever name it was stored under.
    public func image(for reference: ImageReference) throws -> StoredImage {
        let records = try index.read()
        if let record = records.first(where: { $0.reference == reference.description }) {
            return try image(manifest: record.manifest, reference: reference)
        }
        if let digest = reference.digest, records.contains(where: { $0.manifest == digest }) {
            return try image(manifest: digest, reference: reference)
        }
        throw ImageError.imageNotFound(reference.description)
    }

    /// Looks up what a user typed: a name, an image ID (prefix) or a manifest digest.
    public func image(matching text: String) throws -> StoredImage {
        if let reference = try? ImageReference(parsing: text), let found = try? image(for: reference) {
            return found
        }
        let manifest = try resolveIdentifier(text)
        return try image(manifest: manifest, reference: nil)
    }

    /// All named and unnamed images, one row per name.
    public func list() throws -> [ImageSummary] {
        var summaries: [ImageSummary] = []
        for record in try index.read() {
            let image = try image(manifest: record.manifest, reference: nil, requireLayers: false)
            summaries.append(
                ImageSummary(
                    reference: record.reference.flatMap { try? ImageReference(parsing: $0) },
                    manifestDigest: record.manifest, id: image.id, created: image.config.created, size: image.size))
        }
        return summaries
    }

    /// Re-hashes every blob of an image and checks its layer directories exist.
    public func verify(_ image: StoredImage) throws {
        let manifest = try loadManifest(image.manifestDigest)
        try blobs.verify(manifest.config.digest, what: "config of \(image.manifestDigest)")
        for layer in manifest.layers { try blobs.verify(layer.digest, what: "layer blob \(layer.digest)") }
        for (directory, diffID) in zip(image.layerDirectories, image.config.diffIDs)
        where !DirectoryTree.isDirectory(directory) {
            throw ImageError.layerNotUnpacked(
                diffID, image: image.reference?.description ?? image.manifestDigest.description, directory: directory)
        }
    }

    func image(manifest digest: Digest, reference: ImageReference?, requireLayers: Bool = true) throws -> StoredImage {
        let manifest = try loadManifest(digest)
        let configBytes = try blobs.read(manifest.config.digest, what: "config of image \(digest)")
        let document = try JSON.decode(ConfigDocument.self, from: configBytes, what: "config \(manifest.config.digest)")
        let config = try document.typed(what: "config \(manifest.config.digest)")
        let directories = config.diffIDs.map(layerDirectory)
        if requireLayers {
            for (directory, diffID) in zip(directories, config.diffIDs) where !DirectoryTree.isDirectory(directory) {
                throw ImageError.layerNotUnpacked(
                    diffID, image: reference?.description ?? digest.description, directory: directory)
            }
        }
        return StoredImage(
            reference: reference, manifestDigest: digest, id: manifest.config.digest, config: config,
            layerDirectories: directories, size: manifest.layers.reduce(0) { $0 + $1.size })
    }

    func loadManifest(_ digest: Digest) throws -> Manifest {
        let bytes = try blobs.read(digest, what: "manifest \(digest)")
        return try JSON.decode(Manifest.self, from: bytes, what: "manifest \(digest)")
    }

    /// An ID prefix (`3f57d9401f8d`, `sha256:3f57…`) or full manifest digest → manifest digest.
    func resolveIdentifier(_ text: String) throws -> Digest {
        let hex = text.hasPrefix("sha256:") ? String(text.dropFirst(7)) : text
        guard !hex.isEmpty, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw ImageError.imageNotFound(text)
        }
        var matches: Set<Digest> = []
        for record in try index.read() {
            if record.manifest.hex.hasPrefix(hex) && hex.count == 64 {
                matches.insert(record.manifest)
                continue
            }
            if let manifest = try? loadManifest(record.manifest), manifest.config.digest.hex.hasPrefix(hex) {
                matches.insert(record.manifest)
            }
        }
        guard let first = matches.first else { throw ImageError.imageNotFound(text) }
        guard matches.count == 1 else {
            throw ImageError.ambiguousImage(text, matches: matches.map(\.shortID).sorted())
        }
        return first
    }

    // MARK: Writing

    /// Runs `body` holding the writer lock, with fresh state directories and an empty tmp/.
    func withWriteLock<T>(_ body: () throws -> T) throws -> T {
        try prepareDirectories()
        let lock = try FileDescriptor.open("\(imagesDirectory)/lock", O_RDWR | O_CREAT, mode: 0o600)
        defer { lock.close() }
        try lock.lockExclusive()
        // Whatever is in tmp/ now belongs to a writer that died: we hold the lock.
        try clearTemporaryDirectory()
        return try body()
    }

    func withWriteLock<T>(_ body: () async throws -> T) async throws -> T {
        try prepareDirectories()
        let lock = try FileDescriptor.open("\(imagesDirectory)/lock", O_RDWR | O_CREAT, mode: 0o600)
        defer { lock.close() }
        try lock.lockExclusive()
        try clearTemporaryDirectory()
        return try await body()
    }

    func prepareDirectories() throws {
        for directory in [blobs.directory, layersDirectory, temporaryDirectory] {
            try DirectoryTree.makeDirectories(directory)
        }
    }

    private func clearTemporaryDirectory() throws {
        let directory = try FileDescriptor.open(temporaryDirectory, DirectoryTree.directoryFlags)
        defer { directory.close() }
        for name in try directory.directoryEntryNames() { try DirectoryTree.remove(name, in: directory) }
    }

    /// Points each reference (or, with none, an unnamed record) at `manifest`. Called last.
    func setReferences(_ references: [ImageReference], manifest: Digest) throws {
        var records = try index.read()
        let now = ImageIndexFile.now()
        if references.isEmpty {
            if !records.contains(where: { $0.manifest == manifest }) {
                records.append(.init(reference: nil, manifest: manifest, added: now))
            }
        } else {
            for reference in references {
                records.removeAll { $0.reference == reference.description }
                records.append(.init(reference: reference.description, manifest: manifest, added: now))
            }
            // A name now covers this manifest: drop its unnamed placeholder.
            records.removeAll { $0.reference == nil && $0.manifest == manifest }
        }
        try index.write(records)
    }

    /// Adds `target` as another name for the image `source` names.
    public func tag(_ source: String, as target: ImageReference) throws {
        try withWriteLock {
            let image = try image(matching: source)
            try setReferences([target], manifest: image.manifestDigest)
        }
    }
}
