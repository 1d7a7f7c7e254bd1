import BerthSystem
import Foundation

/// `images/index.json`: which names point at which manifest. It is the store's only mutable
/// file and is replaced atomically (temp + fsync + rename) after every blob it names exists.
struct ImageIndexFile: Sendable {
    struct Record: Codable, Sendable, Equatable {
        /// Canonical reference; nil for an image loaded without a name.
        var reference: String?
        var manifest: Digest
        /// When this name was set (RFC 3339), for humans.
        var added: String?
    }

    struct Document: Codable, Sendable {
        var version: Int
        var images: [Record]
    }

    let path: String
    let temporaryDirectory: String

    func read() throws -> [Record] {
        guard DirectoryTree.exists(path) else { return [] }
        let descriptor = try BerthSystem.FileDescriptor.open(path, O_RDONLY)
        defer { descriptor.close() }
        let bytes = try FileInputStream(descriptor).readAll(limit: 64 * 1024 * 1024, what: path)
        let document = try JSON.decode(Document.self, from: bytes, what: path)
        guard document.version == 1 else {
            throw ImageError.malformedJSON(
                what: path, reason: "version \(document.version) is newer than this berth understands")
        }
        return document.images
    }

    func write(_ records: [Record]) throws {
        let sorted = records.sorted { ($0.reference ?? "~\($0.manifest)") < ($1.reference ?? "~\($1.manifest)") }
        let bytes = try JSON.encode(Document(version: 1, images: sorted), pretty: true)
        let temporary = try TemporaryFile(in: temporaryDirectory, prefix: "berth-index-")
        defer { temporary.discard() }
        try temporary.descriptor.writeAll(bytes)
        try temporary.commit(to: path)
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
