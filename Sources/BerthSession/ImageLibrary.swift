import BerthImage

/// berth's image store as the `image` commands use it: names in, plain values out, so the
/// CLI renders them without knowing the store's types.
public struct ImageLibrary: Sendable {
    let store: ImageStore

    init(store: ImageStore) {
        self.store = store
    }

    /// `--compression` values `import` takes.
    public static let compressions = LayerCompression.allCases.map(\.rawValue)

    /// `image pull`: fetches `name` from its registry; the result is its manifest digest and
    /// the reference as stored.
    public func pull(_ name: String, insecureRegistry: Bool, observer: (any ImagePullObserver)?) async throws
        -> (reference: String, digest: String)
    {
        let reference = try ImageReference(parsing: name)
        let options = PullOptions(
            insecureRegistries: insecureRegistry ? [reference.domain] : [],
            progress: { event in observer?.receive(event) })
        let image = try await store.pull(reference, options: options)
        observer?.finish()
        return (reference.description, image.manifestDigest.description)
    }

    /// `image load`: each loaded image's ID and the names it was stored under.
    public func load(from path: String) throws -> [(id: String, references: [String])] {
        try store.load(from: path).map { ($0.image.id.description, $0.references.map(\.description)) }
    }

    /// `image import`: a one-layer image from a root filesystem; the result is its ID.
    /// `compression` is one of `compressions` (nil: gzip).
    public func importRootfs(from source: String, name: String, changes: [String], compression: String?) throws
        -> String
    {
        let reference = try ImageReference(parsing: name)
        var parsed: [ImageChange] = []
        for text in changes { parsed += try ImageChange.parse(text) }
        let image = try store.importRootfs(
            from: source, as: [reference], changes: parsed, compression: compression.flatMap(LayerCompression.init))
        return image.id.description
    }

    /// `image tag`: another name for a stored image.
    public func tag(_ source: String, as target: String) throws {
        try store.tag(source, as: try ImageReference(parsing: target))
    }

    /// `image rm`: untags `name` and frees what nothing else uses.
    public func remove(_ name: String, force: Bool) throws -> ImageRemoval {
        ImageRemoval(try store.remove(name, force: force))
    }

    /// `image prune`: unnamed unused images and unreferenced blobs and layers.
    public func prune() throws -> ImageRemoval {
        ImageRemoval(try store.prune())
    }
}

/// What removing or pruning images freed.
public struct ImageRemoval: Sendable {
    public var removedReferences: [String]
    public var removedBlobs: Int
    public var removedLayers: Int
    public var reclaimedBytes: Int64

    init(_ result: PruneResult) {
        removedReferences = result.removedReferences
        removedBlobs = result.removedBlobs
        removedLayers = result.removedLayers
        reclaimedBytes = result.reclaimedBytes
    }
}

extension LinuxHost {
    /// The image store, with images counted as in use by the containers that name them.
    public var images: ImageLibrary { ImageLibrary(store: ImageStoreFactory.make(root: root)) }
}
