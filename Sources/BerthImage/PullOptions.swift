/// How a pull talks to registries.
public struct PullOptions: Sendable {
    /// Registries (host[:port]) reached over plain HTTP although not on loopback.
    public var insecureRegistries: Set<String>
    /// Parallel layer downloads.
    public var maxConcurrentDownloads: Int
    /// Attempts per request on transient failures (network errors, 5xx, 429).
    public var maxAttempts: Int
    /// Receives progress; called from download tasks, so it must be thread-safe.
    public var progress: @Sendable (PullEvent) -> Void

    public init(
        insecureRegistries: Set<String> = [], maxConcurrentDownloads: Int = 3, maxAttempts: Int = 4,
        progress: @escaping @Sendable (PullEvent) -> Void = { _ in }
    ) {
        self.insecureRegistries = insecureRegistries
        self.maxConcurrentDownloads = max(1, maxConcurrentDownloads)
        self.maxAttempts = max(1, maxAttempts)
        self.progress = progress
    }
}

/// Progress of a pull, per layer, for a terminal or a log.
public enum PullEvent: Sendable, Equatable {
    case resolved(reference: String, manifest: Digest)
    case layerAlreadyStored(Digest)
    case layerStarted(Digest, size: Int64)
    case layerProgress(Digest, received: Int64, total: Int64)
    case layerRetrying(Digest, attempt: Int, reason: String)
    case layerDownloaded(Digest)
    case unpacking(Digest)
}
