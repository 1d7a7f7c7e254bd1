import BerthImage
import Foundation

/// Builds the store for CLI commands. Until the runtime plugs in its own check, an image
/// counts as in use when some `<root>/containers/<id>/image` file names its manifest digest
/// (`sha256:…`, the runtime writes `StoredImage.manifestDigest` there).
enum ImageStoreFactory {
    static func make(root: String) -> ImageStore {
        ImageStore(root: root) { manifest in
            containersUsing(manifest, root: root)
        }
    }

    static func containersUsing(_ manifest: Digest, root: String) -> Bool {
        let containers = "\(root)/containers"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: containers) else { return false }
        for name in names {
            guard let data = FileManager.default.contents(atPath: "\(containers)/\(name)/image") else { continue }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text == manifest.description { return true }
        }
        return false
    }
}
