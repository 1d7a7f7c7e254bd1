import BerthImage
import Foundation

/// Volume directories, seeded like docker does: a volume that is still empty when first
/// mounted gets a copy of what the image has at the mount target (unless `nocopy`).
enum VolumeSeeder {
    static func prepare(_ path: String, target: String, seed: Bool, image: StoredImage) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard seed, (try files.contentsOfDirectory(atPath: path)).isEmpty else { return }
        // The top-most layer that has the directory wins; lower layers' entries it does not
        // shadow are added after it.
        var copied = Set<String>()
        for layer in image.layerDirectories.reversed() {
            let source = layer + target
            var isDirectory: ObjCBool = false
            guard files.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            for entry in try files.contentsOfDirectory(atPath: source).sorted()
            where !entry.hasPrefix(".wh.") && copied.insert(entry).inserted {
                try files.copyItem(atPath: "\(source)/\(entry)", toPath: "\(path)/\(entry)")
            }
        }
    }
}
