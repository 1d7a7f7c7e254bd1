import Foundation

/// A content descriptor as in OCI manifests and indexes.
struct Descriptor: Codable, Sendable, Equatable {
    var mediaType: String
    var digest: Digest
    var size: Int64
    var annotations: [String: String]?
    var platform: Platform?

    struct Platform: Codable, Sendable, Equatable {
        var architecture: String
        var os: String
        var variant: String?
    }

    init(mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
    }
}

/// An image manifest (OCI or docker v2 schema 2: same shape).
struct Manifest: Codable, Sendable, Equatable {
    var schemaVersion: Int
    var mediaType: String?
    var config: Descriptor
    var layers: [Descriptor]
}

/// An image index or docker manifest list.
struct ManifestIndex: Codable, Sendable {
    var schemaVersion: Int
    var mediaType: String?
    var manifests: [Descriptor]
}

/// Just enough of any manifest-like JSON to decide what it is.
struct MediaTypeProbe: Decodable {
    var schemaVersion: Int?
    var mediaType: String?
    var manifests: [Descriptor]?
    var config: Descriptor?
}

enum JSON {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as ImageError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw ImageError.malformedJSON(what: what, reason: "missing key \(path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ImageError.malformedJSON(
                what: what, reason: "wrong type at \(path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ImageError.malformedJSON(what: what, reason: "null at \(path(context.codingPath))")
        } catch let DecodingError.dataCorrupted(context) {
            throw ImageError.malformedJSON(
                what: what, reason: "\(context.debugDescription) at \(path(context.codingPath))")
        } catch {
            throw ImageError.malformedJSON(what: what, reason: "\(error)")
        }
    }

    /// Sorted keys, so generated manifests and configs hash the same every time.
    static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

extension Manifest {
    /// Checks the manifest is one berth can run: schema 2, supported layer types.
    func validate(what: String) throws {
        guard schemaVersion == 2 else {
            throw ImageError.unsupportedMediaType(
                mediaType ?? "schemaVersion \(schemaVersion)", what: "\(what) (only schema 2 manifests are supported)")
        }
        for layer in layers { try MediaType.checkLayer(layer.mediaType, digest: layer.digest) }
    }
}

extension ManifestIndex {
    /// The linux/amd64 entry, as the runtime only runs that.
    func linuxAMD64(reference: String) throws -> Descriptor {
        if let match = manifests.first(where: { $0.platform?.os == "linux" && $0.platform?.architecture == "amd64" }) {
            return match
        }
        let available = manifests.map { descriptor in
            descriptor.platform.map { "\($0.os)/\($0.architecture)\($0.variant.map { "/\($0)" } ?? "")" } ?? "unknown"
        }
        throw ImageError.noMatchingPlatform(reference, available: available)
    }
}
