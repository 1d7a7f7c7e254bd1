/// Everything that can go wrong with images, worded for the person at the terminal: what,
/// which image/blob/entry, and what to do.
public enum ImageError: Error, Sendable, CustomStringConvertible, Equatable {
    case invalidDigest(String)
    case unsupportedDigestAlgorithm(String, digest: String)
    case invalidReference(String, reason: String)
    case digestMismatch(what: String, expected: Digest, actual: Digest)
    case sizeMismatch(what: String, expected: Int64, actual: Int64)
    case unsupportedMediaType(String, what: String)
    case unsafeTarEntry(entry: String, reason: String)
    case malformedTar(String)
    case malformedArchive(path: String, reason: String)
    case malformedJSON(what: String, reason: String)
    case imageNotFound(String)
    case ambiguousImage(String, matches: [String])
    case imageInUse(String, manifest: Digest)
    case missingBlob(Digest, needed: String)
    case registry(String)
    case layerNotUnpacked(Digest, image: String, directory: String)
    case invalidChange(String, reason: String)
    case noMatchingPlatform(String, available: [String])
    case pullPolicyNever(String)

    public var description: String {
        switch self {
        case .invalidDigest(let text):
            return "invalid digest \"\(text)\": expected sha256: followed by 64 lowercase hex characters"
        case .unsupportedDigestAlgorithm(let algorithm, let digest):
            return "unsupported digest algorithm \"\(algorithm)\" in \"\(digest)\": berth verifies sha256 digests only"
        case .invalidReference(let text, let reason):
            return "invalid image reference \"\(text)\": \(reason)"
        case .digestMismatch(let what, let expected, let actual):
            return "\(what) is corrupt: expected digest \(expected) but the content hashes to \(actual); "
                + "remove the image and load or pull it again"
        case .sizeMismatch(let what, let expected, let actual):
            return "\(what) has \(actual) bytes but its descriptor says \(expected)"
        case .unsupportedMediaType(let type, let what):
            return "\(what) has media type \"\(type)\", which berth does not support"
        case .unsafeTarEntry(let entry, let reason):
            return "refusing tar entry \"\(entry)\": \(reason)"
        case .malformedTar(let reason):
            return "malformed tar stream: \(reason)"
        case .malformedArchive(let path, let reason):
            return "\(path) is not a loadable image archive: \(reason)"
        case .malformedJSON(let what, let reason):
            return "\(what) is not valid: \(reason)"
        case .imageNotFound(let text):
            return "no image \"\(text)\" in the store; see `berth images`, or pull/load it first"
        case .ambiguousImage(let text, let matches):
            return "\"\(text)\" matches several images (\(matches.joined(separator: ", "))); use a longer ID or a name"
        case .imageInUse(let text, let manifest):
            return "image \"\(text)\" (\(manifest)) is used by a container; remove the container first or pass --force"
        case .missingBlob(let digest, let needed):
            return "blob \(digest) needed by \(needed) is missing from the store or archive"
        case .registry(let message):
            return message
        case .layerNotUnpacked(let diffID, let image, let directory):
            return
                "layer \(diffID) of \(image) is not unpacked at \(directory); remove the image and load or pull it again"
        case .invalidChange(let text, let reason):
            return "invalid --change \"\(text)\": \(reason)"
        case .noMatchingPlatform(let reference, let available):
            return "\(reference) has no linux/amd64 image (available: \(available.joined(separator: ", ")))"
        case .pullPolicyNever(let reference):
            return "image \(reference) is not in the store and pull_policy is never; load or pull it first"
        }
    }
}
