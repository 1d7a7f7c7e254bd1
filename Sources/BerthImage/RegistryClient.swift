import Foundation

/// The OCI distribution API over plain GETs (HTTPGet): manifests and blobs, anonymous or with
/// a bearer token fetched from the realm a 401 challenge names. Tokens are kept per client.
actor RegistryClient {
    let endpoint: RegistryEndpoint
    let options: PullOptions
    private var authorization: String?

    static let manifestAccept = [
        MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest,
    ].joined(separator: ", ")

    /// Manifests, indexes and token answers are small; anything larger is refused.
    static let documentLimit = 4 * 1024 * 1024

    init(endpoint: RegistryEndpoint, options: PullOptions) {
        self.endpoint = endpoint
        self.options = options
    }

    var currentAuthorization: String? { authorization }

    /// Fetches a manifest or index by tag or digest; returns bytes, media type and digest.
    func manifest(_ reference: String, what: String) async throws -> (bytes: [UInt8], mediaType: String, digest: Digest)
    {
        let (bytes, head) = try await send(
            try endpoint.manifestURL(reference), headers: ["Accept: \(RegistryClient.manifestAccept)"], what: what)
        guard head.status == 200 else {
            throw RegistryClient.httpError(head.status, body: bytes, what: what, endpoint: endpoint)
        }
        let probe = try JSON.decode(MediaTypeProbe.self, from: bytes, what: what)
        let header = head.value("content-type")?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var mediaType = probe.mediaType ?? header ?? ""
        if mediaType.isEmpty || mediaType == "application/json" {
            mediaType = probe.manifests != nil ? MediaType.ociIndex : MediaType.ociManifest
        }
        if mediaType == MediaType.dockerSchema1 || probe.schemaVersion == 1 {
            throw ImageError.unsupportedMediaType(
                MediaType.dockerSchema1,
                what: "\(what) (docker schema 1 manifests are deprecated; the registry must serve schema 2 or OCI)")
        }
        return (bytes, mediaType, Digest.of(bytes))
    }

    /// GETs a small document, answering one bearer challenge, retrying transient failures.
    func send(_ url: String, headers: [String], what: String) async throws -> ([UInt8], HTTPHead) {
        var attempt = 1
        var answeredChallenge = false
        while true {
            var sent = headers
            if let authorization { sent.append("Authorization: \(authorization)") }
            do {
                let request = sent
                let (head, body, complete) = try await onOwnThread {
                    try HTTPGet.document(url, headers: request, limit: RegistryClient.documentLimit)
                }
                if head.status == 401 && !answeredChallenge {
                    answeredChallenge = true
                    try await authenticate(head, what: what)
                    continue
                }
                if RegistryClient.isTransient(status: head.status) && attempt < options.maxAttempts {
                    try await RegistryClient.backoff(attempt)
                    attempt += 1
                    continue
                }
                guard complete else {
                    throw ImageError.registry("\(what): \(endpoint.domain) answered with more than 4 MiB")
                }
                return (body, head)
            } catch let error as HTTPTransportError where error.isTransient && attempt < options.maxAttempts {
                try await RegistryClient.backoff(attempt)
                attempt += 1
            } catch let error as HTTPTransportError {
                throw ImageError.registry("\(what): cannot reach \(endpoint.base): \(error.message)")
            }
        }
    }

    /// Handles a 401: fetches an anonymous bearer token from the challenge's realm.
    func authenticate(_ response: HTTPHead, what: String) async throws {
        guard let header = response.value("www-authenticate"), let challenge = AuthChallenge(header: header) else {
            throw ImageError.registry("\(what): \(endpoint.domain) answered 401 without a WWW-Authenticate challenge")
        }
        guard challenge.scheme == "bearer", let realm = challenge.parameters["realm"] else {
            throw ImageError.registry(
                "\(what): \(endpoint.domain) wants \(challenge.scheme) authentication; berth pulls anonymously or with bearer tokens only"
            )
        }
        guard var components = URLComponents(string: realm), components.scheme == "https" || components.scheme == "http"
        else {
            throw ImageError.registry("\(what): token realm \"\(realm)\" is not an http(s) URL")
        }
        var query = components.queryItems ?? []
        if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        let scope = challenge.parameters["scope"] ?? "repository:\(endpoint.repository):pull"
        query.append(URLQueryItem(name: "scope", value: scope))
        components.queryItems = query
        guard let url = components.string else {
            throw ImageError.registry("\(what): token realm \"\(realm)\" is not a URL")
        }
        let answer: (head: HTTPHead, body: [UInt8], complete: Bool)
        do {
            answer = try await onOwnThread { try HTTPGet.document(url, limit: RegistryClient.documentLimit) }
        } catch let error as HTTPTransportError {
            throw ImageError.registry("\(what): cannot reach token endpoint \(realm): \(error.message)")
        }
        guard answer.head.status == 200, answer.complete else {
            throw ImageError.registry(
                "\(what): token endpoint \(realm) refused an anonymous token (HTTP \(answer.head.status)); the repository may be private or not exist"
            )
        }
        struct TokenResponse: Decodable {
            var token: String?
            var access_token: String?
        }
        let token = try JSON.decode(TokenResponse.self, from: answer.body, what: "token response from \(realm)")
        guard let value = token.token ?? token.access_token, !value.isEmpty else {
            throw ImageError.registry("\(what): token endpoint \(realm) returned no token")
        }
        // It goes into a header line: a control character could smuggle in another header.
        guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7f }) else {
            throw ImageError.registry("\(what): token endpoint \(realm) returned a token with control characters")
        }
        authorization = "Bearer \(value)"
    }

    static func isTransient(status: Int) -> Bool { status == 429 || (500...599).contains(status) }

    static func backoff(_ attempt: Int) async throws {
        try await Task.sleep(for: .milliseconds(250 << min(attempt - 1, 5)))
    }

    static func httpError(_ status: Int, body: [UInt8], what: String, endpoint: RegistryEndpoint) -> ImageError {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        switch status {
        case 404:
            return .registry("\(what): not found on \(endpoint.domain) (HTTP 404); check the name and tag")
        case 401, 403:
            return .registry("\(what): access denied by \(endpoint.domain) (HTTP \(status)): \(text)")
        default:
            return .registry("\(what): \(endpoint.domain) answered HTTP \(status): \(text)")
        }
    }
}
