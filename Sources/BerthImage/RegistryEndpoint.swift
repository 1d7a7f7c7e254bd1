import Foundation

/// Where and how to reach the registry of a reference. Plain HTTP only for loopback hosts or
/// registries the user explicitly marked insecure.
struct RegistryEndpoint: Sendable {
    let base: String
    let repository: String
    let domain: String

    init(_ reference: ImageReference, insecureRegistries: Set<String>) {
        domain = reference.domain
        let host = reference.domain == ImageReference.defaultDomain ? "registry-1.docker.io" : reference.domain
        let plain = RegistryEndpoint.isLoopback(reference.domain) || insecureRegistries.contains(reference.domain)
        base = "\(plain ? "http" : "https")://\(host)"
        repository = reference.path
    }

    func manifestURL(_ reference: String) throws -> String { try url("/v2/\(repository)/manifests/\(reference)") }
    func blobURL(_ digest: Digest) throws -> String { try url("/v2/\(repository)/blobs/\(digest)") }

    /// Checked with URL parsing so a malformed name or tag is refused before any request.
    private func url(_ path: String) throws -> String {
        guard URL(string: base + path) != nil else {
            throw ImageError.registry("cannot form a URL from \(base)\(path)")
        }
        return base + path
    }

    static func isLoopback(_ domain: String) -> Bool {
        var host = Substring(domain)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            host = host[host.index(after: host.startIndex)..<close]
            return host == "::1"
        }
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        if host == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }
}

/// A parsed `WWW-Authenticate` challenge.
struct AuthChallenge: Sendable, Equatable {
    var scheme: String
    var parameters: [String: String]

    /// Parses `Bearer realm="https://auth",service="registry",scope="repository:x:pull"`.
    init?(header: String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else { return nil }
        scheme = String(trimmed[..<space]).lowercased()
        parameters = [:]
        var rest = trimmed[trimmed.index(after: space)...]
        while !rest.isEmpty {
            rest = rest.drop(while: { $0 == " " || $0 == "," })
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            parameters[key] = value
        }
    }
}
