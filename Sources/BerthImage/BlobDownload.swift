import BerthSystem
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Streams one blob to a temporary file while hashing it; on a transient failure it asks for
/// the rest with `Range` and continues the same hash if the registry answers 206, or starts
/// over on 200.
final class BlobDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // Mutable state is only touched from the session's serial delegate queue, and read by
    // `run` after the continuation resumed (which orders it after those callbacks).
    private let file: FileDescriptor
    private let descriptor: Descriptor
    private let progress: @Sendable (PullEvent) -> Void
    private var hasher = SHA256()
    private(set) var received: Int64 = 0
    private var requestedOffset: Int64 = 0
    private var status = 0
    private var challenge: HTTPURLResponse?
    private var failure: (any Error)?
    private var continuation: CheckedContinuation<Void, Never>?
    private var lastReport: Int64 = 0

    enum Outcome {
        case complete(Digest)
        case unauthorized(HTTPURLResponse)
        case transient(String)
    }

    init(file: FileDescriptor, descriptor: Descriptor, progress: @escaping @Sendable (PullEvent) -> Void) {
        self.file = file
        self.descriptor = descriptor
        self.progress = progress
    }

    /// One HTTP attempt. Throws for permanent failures.
    func attempt(client: RegistryClient, what: String) async throws -> Outcome {
        var request = URLRequest(url: try client.endpoint.blobURL(descriptor.digest))
        if let authorization = await client.currentAuthorization {
            request.setValue(authorization, forHTTPHeaderField: "Authorization")
        }
        requestedOffset = received
        if received > 0 { request.setValue("bytes=\(received)-", forHTTPHeaderField: "Range") }
        status = 0
        challenge = nil
        failure = nil
        let session = await client.makeSession(delegate: self)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.continuation = continuation
            session.dataTask(with: request).resume()
        }
        session.finishTasksAndInvalidate()
        if let challenge { return .unauthorized(challenge) }
        if let failure {
            if let error = failure as? URLError {
                if RegistryClient.isTransient(error) {
                    return .transient(error.localizedDescription)
                }
                throw ImageError.registry("\(what): download failed: \(error.localizedDescription)")
            }
            throw failure
        }
        if RegistryClient.isTransient(status: status) { return .transient("HTTP \(status)") }
        guard status == 200 || status == 206 else {
            throw RegistryClient.httpError(status, data: Data(), what: what, endpoint: client.endpoint)
        }
        if received < descriptor.size {
            return .transient("connection closed after \(received) of \(descriptor.size) bytes")
        }
        return .complete(hasher.digest)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        status = http?.statusCode ?? 0
        if status == 401, let http {
            challenge = http
            completionHandler(.cancel)
            return
        }
        if status == 200 && received > 0 {
            // The registry ignored Range: start over.
            do {
                try file.truncate(to: 0)
                try file.seek(to: 0)
            } catch {
                failure = error
                completionHandler(.cancel)
                return
            }
            hasher = SHA256()
            received = 0
        } else if status == 206 {
            let range = http?.value(forHTTPHeaderField: "Content-Range") ?? ""
            guard range.hasPrefix("bytes \(requestedOffset)-") else {
                failure = ImageError.registry("blob \(descriptor.digest): unexpected Content-Range \"\(range)\"")
                completionHandler(.cancel)
                return
            }
        }
        completionHandler(status == 200 || status == 206 ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        if received + Int64(data.count) > descriptor.size {
            failure = ImageError.sizeMismatch(
                what: "blob \(descriptor.digest)", expected: descriptor.size, actual: received + Int64(data.count))
            dataTask.cancel()
            return
        }
        do {
            try data.withUnsafeBytes { raw in
                try file.writeAll(raw)
                hasher.update(raw)
            }
        } catch {
            failure = error
            dataTask.cancel()
            return
        }
        received += Int64(data.count)
        if received - lastReport >= 512 * 1024 || received == descriptor.size {
            lastReport = received
            progress(.layerProgress(descriptor.digest, received: received, total: descriptor.size))
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if failure == nil, challenge == nil, status == 0 || status == 200 || status == 206, let error {
            failure = error
        }
        continuation?.resume()
        continuation = nil
    }
}
