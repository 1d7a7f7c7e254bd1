/// An image name parsed the way docker parses it, so `busybox`, `docker.io/library/busybox`
/// and `busybox:latest` all name the same image in the store.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// Registry host with optional port, e.g. `docker.io`, `localhost:5000`.
    public let domain: String
    /// Repository path inside the registry, e.g. `library/busybox`.
    public let path: String
    public let tag: String?
    public let digest: Digest?

    public static let defaultDomain = "docker.io"

    public init(domain: String, path: String, tag: String?, digest: Digest?) {
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    public init(parsing text: String) throws(ImageError) {
        guard !text.isEmpty else { throw ImageError.invalidReference(text, reason: "the name is empty") }
        guard text.count <= 255 else { throw ImageError.invalidReference(text, reason: "longer than 255 characters") }
        var remainder = Substring(text)
        var digest: Digest?
        if let at = remainder.firstIndex(of: "@") {
            let digestText = String(remainder[remainder.index(after: at)...])
            do {
                digest = try Digest(parsing: digestText)
            } catch {
                throw ImageError.invalidReference(text, reason: error.description)
            }
            remainder = remainder[..<at]
        }
        var tag: String?
        let lastSlash = remainder.lastIndex(of: "/")
        if let colon = remainder.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            let tagText = String(remainder[remainder.index(after: colon)...])
            guard ImageReference.isValidTag(tagText) else {
                throw ImageError.invalidReference(
                    text,
                    reason:
                        "tag \"\(tagText)\" must be 1-128 of letters, digits, '_', '.', '-' and not start with '.' or '-'"
                )
            }
            tag = tagText
            remainder = remainder[..<colon]
        }
        var domain = ImageReference.defaultDomain
        var path = String(remainder)
        if let slash = remainder.firstIndex(of: "/") {
            let first = remainder[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost"
                || first.contains(where: \.isUppercase)
            {
                domain = String(first)
                path = String(remainder[remainder.index(after: slash)...])
            }
        }
        if domain == "index.docker.io" { domain = ImageReference.defaultDomain }
        if domain == ImageReference.defaultDomain && !path.contains("/") { path = "library/" + path }
        guard ImageReference.isValidDomain(domain) else {
            throw ImageError.invalidReference(text, reason: "registry \"\(domain)\" is not a valid host[:port]")
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        for component in components where !ImageReference.isValidPathComponent(component) {
            throw ImageError.invalidReference(
                text,
                reason: "repository component \"\(component)\" must be lowercase letters and digits, "
                    + "separated by '.', '_', '__' or dashes")
        }
        if tag == nil && digest == nil { tag = "latest" }
        self.init(domain: domain, path: path, tag: tag, digest: digest)
    }

    /// `domain/path` without tag or digest.
    public var repository: String { "\(domain)/\(path)" }

    /// The short form docker prints: `busybox` for `docker.io/library/busybox`.
    public var familiarRepository: String {
        guard domain == ImageReference.defaultDomain else { return repository }
        if path.hasPrefix("library/") && path.split(separator: "/").count == 2 { return String(path.dropFirst(8)) }
        return path
    }

    /// Canonical text, the key under which the store indexes this name.
    public var description: String {
        var text = repository
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    /// The same repository with another tag and no digest.
    public func withTag(_ tag: String) -> ImageReference {
        ImageReference(domain: domain, path: path, tag: tag, digest: nil)
    }

    static func isValidTag(_ tag: String) -> Bool {
        guard let first = tag.utf8.first, tag.utf8.count <= 128, first != UInt8(ascii: "."), first != UInt8(ascii: "-")
        else { return false }
        return tag.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    static func isValidPathComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last)
        else {
            return false
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isLowerAlphanumeric(byte) {
                index += 1
                continue
            }
            // Separators: ".", "_", "__", or one or more "-".
            if byte == UInt8(ascii: ".") {
                index += 1
            } else if byte == UInt8(ascii: "_") {
                index += (index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "_")) ? 2 : 1
            } else if byte == UInt8(ascii: "-") {
                while index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
            } else {
                return false
            }
            guard index < bytes.count, isLowerAlphanumeric(bytes[index]) else { return false }
        }
        return true
    }

    static func isValidDomain(_ domain: String) -> Bool {
        var host = Substring(domain)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            if rest.isEmpty { return true }
            guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()), port > 0 else { return false }
            return true
        }
        if let colon = host.lastIndex(of: ":") {
            guard let port = UInt16(host[host.index(after: colon)...]), port > 0 else { return false }
            host = host[..<colon]
        }
        guard !host.isEmpty else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.utf8.first, let last = label.utf8.last, isAlphanumeric(first), isAlphanumeric(last)
            else {
                return false
            }
            return label.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 122)
    }
}
