import BerthSystem

/// Streams one blob to a temporary file while hashing it; on a transient failure it asks for
/// the rest with `Range` and continues the same hash if the registry answers 206, or starts
/// over on 200.
final class BlobDownload: @unchecked Sendable {
    // Touched only by the one transfer thread of the attempt under way; `attempt` returns
    // after that thread finished (the continuation orders it).
    private let file: FileDescriptor
    private let descriptor: Descriptor
    private let progress: @Sendable (PullEvent) -> Void
    private var hasher = StreamHasher()
    private(set) var received: Int64 = 0
    private var failure: (any Error)?
    private var lastReport: Int64 = 0

    enum Outcome {
        case complete(Digest)
        case unauthorized(HTTPHead)
        case transient(String)
    }

    init(file: FileDescriptor, descriptor: Descriptor, progress: @escaping @Sendable (PullEvent) -> Void) {
        self.file = file
        self.descriptor = descriptor
        self.progress = progress
    }

    /// One HTTP attempt. Throws for permanent failures.
    func attempt(client: RegistryClient, what: String) async throws -> Outcome {
        let url = try client.endpoint.blobURL(descriptor.digest)
        var headers: [String] = []
        if let authorization = await client.currentAuthorization { headers.append("Authorization: \(authorization)") }
        let offset = received
        failure = nil
        let head: HTTPHead
        do {
            let request = headers
            head = try await onOwnThread { [self] in
                try HTTPGet.run(
                    url, headers: request, range: offset > 0 ? "\(offset)-" : nil,
                    onHead: { head in self.accept(head, requestedOffset: offset) },
                    onBody: { piece in self.store(piece) })
            }
        } catch let error as HTTPTransportError {
            // A connection dropped mid-body is worth resuming whatever libcurl calls it.
            if failure == nil && (error.isTransient || received > offset) { return .transient(error.message) }
            if let failure { throw failure }
            throw ImageError.registry("\(what): download failed: \(error.message)")
        }
        if let failure { throw failure }
        if head.status == 401 { return .unauthorized(head) }
        if RegistryClient.isTransient(status: head.status) { return .transient("HTTP \(head.status)") }
        guard head.status == 200 || head.status == 206 else {
            throw RegistryClient.httpError(head.status, body: [], what: what, endpoint: client.endpoint)
        }
        if received < descriptor.size {
            return .transient("connection closed after \(received) of \(descriptor.size) bytes")
        }
        return .complete(hasher.digest)
    }

    /// Decides from the response head whether to take the body.
    private func accept(_ head: HTTPHead, requestedOffset: Int64) -> Bool {
        if head.status == 200 && received > 0 {
            // The registry ignored Range: start over.
            do {
                try file.truncate(to: 0)
                try file.seek(to: 0)
            } catch {
                failure = error
                return false
            }
            hasher = StreamHasher()
            received = 0
        } else if head.status == 206 {
            let range = head.value("content-range") ?? ""
            guard range.hasPrefix("bytes \(requestedOffset)-") else {
                failure = ImageError.registry("blob \(descriptor.digest): unexpected Content-Range \"\(range)\"")
                return false
            }
        }
        return head.status == 200 || head.status == 206
    }

    private func store(_ piece: UnsafeRawBufferPointer) -> Bool {
        if received + Int64(piece.count) > descriptor.size {
            failure = ImageError.sizeMismatch(
                what: "blob \(descriptor.digest)", expected: descriptor.size, actual: received + Int64(piece.count))
            return false
        }
        do {
            try file.writeAll(piece)
        } catch {
            failure = error
            return false
        }
        hasher.update(piece)
        received += Int64(piece.count)
        if received - lastReport >= 512 * 1024 || received == descriptor.size {
            lastReport = received
            progress(.layerProgress(descriptor.digest, received: received, total: descriptor.size))
        }
        return true
    }
}
