import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The OCI distribution API over URLSession: manifests and blobs, anonymous or with a bearer
/// token fetched from the realm a 401 challenge names. Tokens are kept per client.
actor RegistryClient {
    let endpoint: RegistryEndpoint
    let options: PullOptions
    private let session: URLSession
    private var authorization: String?

    static let manifestAccept = [
        MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest,
    ].joined(separator: ", ")

    init(endpoint: RegistryEndpoint, options: PullOptions) {
        self.endpoint = endpoint
        self.options = options
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    var currentAuthorization: String? { authorization }

    /// Fetches a manifest or index by tag or digest; returns bytes, media type and digest.
    func manifest(_ reference: String, what: String) async throws -> (bytes: [UInt8], mediaType: String, digest: Digest)
    {
        var request = URLRequest(url: try endpoint.manifestURL(reference))
        request.setValue(RegistryClient.manifestAccept, forHTTPHeaderField: "Accept")
        let (data, response) = try await send(request, what: what)
        guard response.statusCode == 200 else {
            throw RegistryClient.httpError(response.statusCode, data: data, what: what, endpoint: endpoint)
        }
        let bytes = Array(data)
        guard bytes.count <= 4 * 1024 * 1024 else { throw ImageError.registry("\(what): manifest larger than 4 MiB") }
        let probe = try JSON.decode(MediaTypeProbe.self, from: bytes, what: what)
        let header = response.value(forHTTPHeaderField: "Content-Type")?.split(separator: ";").first.map {
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

    /// Sends a request, answering one bearer challenge, retrying transient failures.
    func send(_ request: URLRequest, what: String) async throws -> (Data, HTTPURLResponse) {
        var attempt = 1
        var answeredChallenge = false
        while true {
            var authorized = request
            if let authorization { authorized.setValue(authorization, forHTTPHeaderField: "Authorization") }
            do {
                let (data, response) = try await session.data(for: authorized)
                guard let http = response as? HTTPURLResponse else {
                    throw ImageError.registry("\(what): \(endpoint.base) did not answer with HTTP")
                }
                if http.statusCode == 401 && !answeredChallenge {
                    answeredChallenge = true
                    try await authenticate(http, what: what)
                    continue
                }
                if RegistryClient.isTransient(status: http.statusCode) && attempt < options.maxAttempts {
                    try await RegistryClient.backoff(attempt)
                    attempt += 1
                    continue
                }
                return (data, http)
            } catch let error as URLError where RegistryClient.isTransient(error) && attempt < options.maxAttempts {
                try await RegistryClient.backoff(attempt)
                attempt += 1
            } catch let error as URLError {
                throw ImageError.registry("\(what): cannot reach \(endpoint.base): \(error.localizedDescription)")
            }
        }
    }

    /// Handles a 401: fetches an anonymous bearer token from the challenge's realm.
    func authenticate(_ response: HTTPURLResponse, what: String) async throws {
        guard let header = response.value(forHTTPHeaderField: "WWW-Authenticate"),
            let challenge = AuthChallenge(header: header)
        else {
            throw ImageError.registry("\(what): \(endpoint.domain) answered 401 without a WWW-Authenticate challenge")
        }
        guard challenge.scheme == "bearer", let realm = challenge.parameters["realm"] else {
            throw ImageError.registry(
                "\(what): \(endpoint.domain) wants \(challenge.scheme) authentication; berth pulls anonymously or with bearer tokens only"
            )
        }
        guard var components = URLComponents(string: realm) else {
            throw ImageError.registry("\(what): token realm \"\(realm)\" is not a URL")
        }
        var query = components.queryItems ?? []
        if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        let scope = challenge.parameters["scope"] ?? "repository:\(endpoint.repository):pull"
        query.append(URLQueryItem(name: "scope", value: scope))
        components.queryItems = query
        guard let url = components.url else {
            throw ImageError.registry("\(what): token realm \"\(realm)\" is not a URL")
        }
        let (data, tokenResponse) = try await session.data(for: URLRequest(url: url))
        guard let http = tokenResponse as? HTTPURLResponse, http.statusCode == 200 else {
            let status = (tokenResponse as? HTTPURLResponse)?.statusCode ?? 0
            throw ImageError.registry(
                "\(what): token endpoint \(realm) refused an anonymous token (HTTP \(status)); the repository may be private or not exist"
            )
        }
        struct TokenResponse: Decodable {
            var token: String?
            var access_token: String?
        }
        let token = try JSON.decode(TokenResponse.self, from: Array(data), what: "token response from \(realm)")
        guard let value = token.token ?? token.access_token, !value.isEmpty else {
            throw ImageError.registry("\(what): token endpoint \(realm) returned no token")
        }
        authorization = "Bearer \(value)"
    }

    func makeSession(delegate: any URLSessionDelegate) -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        return URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    }

    static func isTransient(status: Int) -> Bool { status == 429 || (500...599).contains(status) }

    static func isTransient(_ error: URLError) -> Bool {
        [
            .timedOut, .networkConnectionLost, .cannotConnectToHost, .notConnectedToInternet, .dnsLookupFailed,
            .cannotFindHost,
        ]
        .contains(error.code)
    }

    static func backoff(_ attempt: Int) async throws {
        try await Task.sleep(for: .milliseconds(250 << min(attempt - 1, 5)))
    }

    static func httpError(_ status: Int, data: Data, what: String, endpoint: RegistryEndpoint) -> ImageError {
        let body = String(decoding: data.prefix(300), as: UTF8.self)
        switch status {
        case 404:
            return .registry("\(what): not found on \(endpoint.domain) (HTTP 404); check the name and tag")
        case 401, 403:
            return .registry("\(what): access denied by \(endpoint.domain) (HTTP \(status)): \(body)")
        default:
            return .registry("\(what): \(endpoint.domain) answered HTTP \(status): \(body)")
        }
    }
}
