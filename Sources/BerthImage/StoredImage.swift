/// An image ready for the runtime: its config and the unpacked layer directories to stack
/// as overlayfs lower dirs.
public struct StoredImage: Sendable, Equatable {
    /// The name it was found by; nil when looked up by ID or loaded without a name.
    public var reference: ImageReference?
    public var manifestDigest: Digest
    /// The config blob's digest, which docker shows as the image ID.
    public var id: Digest
    public var config: ImageConfig
    /// Absolute paths, lowest layer first (overlayfs wants `lowerdir=` highest first: reverse).
    public var layerDirectories: [String]
    /// Sum of the layer blob sizes as stored (compressed where the source was).
    public var size: Int64
}

/// One row of `berth images`.
public struct ImageSummary: Sendable, Equatable {
    public var reference: ImageReference?
    public var manifestDigest: Digest
    public var id: Digest
    public var created: String?
    public var size: Int64
}

/// When `ensure` contacts the registry (compose's `pull_policy`).
public enum PullPolicy: String, Sendable, CaseIterable {
    /// Pull every time, even if the image is stored.
    case always
    /// Pull only when the store has no image under that name.
    case missing
    /// Never pull; a missing image is an error.
    case never
}

/// What `prune` and `remove` freed.
public struct PruneResult: Sendable, Equatable {
    public var removedReferences: [String]
    public var removedBlobs: Int
    public var removedLayers: Int
    public var reclaimedBytes: Int64
}
