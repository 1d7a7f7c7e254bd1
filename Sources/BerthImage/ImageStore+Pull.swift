import BerthSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension ImageStore {
    /// Pulls `reference` from its registry: resolves an index to linux/amd64, downloads the
    /// missing layer blobs in parallel (bounded), verifies every digest, unpacks, then names
    /// the image. Holds the writer lock throughout.
    public func pull(_ reference: ImageReference, options: PullOptions = PullOptions()) async throws -> StoredImage {
        try await withWriteLock {
            let client = RegistryClient(
                endpoint: RegistryEndpoint(reference, insecureRegistries: options.insecureRegistries), options: options)
            let what = reference.description
            var fetched = try await client.manifest(
                reference.digest?.description ?? reference.tag ?? "latest", what: what)
            if let expected = reference.digest, fetched.digest != expected {
                throw ImageError.digestMismatch(what: "manifest of \(what)", expected: expected, actual: fetched.digest)
            }
            if MediaType.indexes.contains(fetched.mediaType) {
                let index = try JSON.decode(ManifestIndex.self, from: fetched.bytes, what: "image index of \(what)")
                let chosen = try index.linuxAMD64(reference: what)
                fetched = try await client.manifest(chosen.digest.description, what: "\(what) (linux/amd64)")
                guard fetched.digest == chosen.digest else {
                    throw ImageError.digestMismatch(
                        what: "manifest of \(what) (linux/amd64)", expected: chosen.digest, actual: fetched.digest)
                }
            }
            guard MediaType.manifests.contains(fetched.mediaType) else {
                throw ImageError.unsupportedMediaType(fetched.mediaType, what: "manifest of \(what)")
            }
            options.progress(.resolved(reference: what, manifest: fetched.digest))
            let manifest = try JSON.decode(Manifest.self, from: fetched.bytes, what: "manifest of \(what)")
            try manifest.validate(what: "manifest of \(what)")
            let configBytes: [UInt8]
            if blobs.contains(manifest.config.digest) {
                configBytes = try blobs.read(manifest.config.digest, what: "config of \(what)")
            } else {
                try await download(
                    manifest.config, client: client, what: "config of \(what)", options: options, quiet: true)
                configBytes = try blobs.read(manifest.config.digest, what: "config of \(what)")
            }
            let missing = manifest.layers.filter { layer in
                if blobs.contains(layer.digest) {
                    options.progress(.layerAlreadyStored(layer.digest))
                    return false
                }
                return true
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                var pending = missing[...]
                var running = 0
                while running < options.maxConcurrentDownloads, let next = pending.popFirst() {
                    group.addTask {
                        try await download(
                            next, client: client, what: "layer \(next.digest) of \(what)", options: options)
                    }
                    running += 1
                }
                while try await group.next() != nil {
                    if let next = pending.popFirst() {
                        group.addTask {
                            try await download(
                                next, client: client, what: "layer \(next.digest) of \(what)", options: options)
                        }
                    }
                }
            }
            for layer in manifest.layers { options.progress(.unpacking(layer.digest)) }
            var names = [reference]
            if reference.digest != nil, reference.tag != nil {
                names.append(
                    ImageReference(domain: reference.domain, path: reference.path, tag: nil, digest: reference.digest))
            }
            // Every missing blob was hashed while it downloaded: unpacking need not hash it again.
            return try commit(
                manifestBytes: fetched.bytes, configBytes: configBytes, references: names, what: what,
                verifiedBlobs: Set(missing.map(\.digest)))
        }
    }

    /// The stored image, pulled first if `policy` says so.
    public func ensure(_ reference: ImageReference, policy: PullPolicy, options: PullOptions = PullOptions())
        async throws
        -> StoredImage
    {
        switch policy {
        case .always:
            return try await pull(reference, options: options)
        case .missing:
            if let stored = try? image(for: reference) { return stored }
            return try await pull(reference, options: options)
        case .never:
            do {
                return try image(for: reference)
            } catch ImageError.imageNotFound {
                throw ImageError.pullPolicyNever(reference.description)
            }
        }
    }

    /// Downloads one blob into the store with retries, resume and digest verification.
    private func download(
        _ descriptor: Descriptor, client: RegistryClient, what: String, options: PullOptions, quiet: Bool = false
    ) async throws {
        let temporary = try TemporaryFile(in: temporaryDirectory, prefix: "berth-download-")
        defer { temporary.discard() }
        let report = options.progress
        let progress: @Sendable (PullEvent) -> Void = { event in if !quiet { report(event) } }
        progress(.layerStarted(descriptor.digest, size: descriptor.size))
        let transfer = BlobDownload(file: temporary.descriptor, descriptor: descriptor, progress: progress)
        var attempt = 1
        var answeredChallenge = false
        while true {
            switch try await transfer.attempt(client: client, what: what) {
            case .complete(let digest):
                guard digest == descriptor.digest else {
                    throw ImageError.digestMismatch(what: what, expected: descriptor.digest, actual: digest)
                }
                try temporary.commit(to: blobs.path(digest))
                progress(.layerDownloaded(descriptor.digest))
                return
            case .unauthorized(let response):
                guard !answeredChallenge else {
                    throw ImageError.registry("\(what): \(client.endpoint.domain) refused the token (HTTP 401)")
                }
                answeredChallenge = true
                try await client.authenticate(response, what: what)
            case .transient(let reason):
                guard attempt < options.maxAttempts else {
                    throw ImageError.registry("\(what): giving up after \(attempt) attempts: \(reason)")
                }
                progress(.layerRetrying(descriptor.digest, attempt: attempt + 1, reason: reason))
                try await RegistryClient.backoff(attempt)
                attempt += 1
            }
        }
    }
}
