/// A tar entry name made safe to join under a layer directory: leading `/` and `./`
/// stripped, `.` dropped, `..` resolved lexically and refused when it climbs above the root.
/// Symlinks are handled separately by resolving every component with O_NOFOLLOW.
struct EntryPath: Equatable, Sendable, CustomStringConvertible {
    /// Non-empty components; empty means the layer root itself.
    let components: [String]

    init(normalizing raw: String, entry: String) throws(ImageError) {
        var parts: [String] = []
        for piece in raw.split(separator: "/", omittingEmptySubsequences: true) {
            switch piece {
            case ".": continue
            case "..":
                guard !parts.isEmpty else {
                    throw ImageError.unsafeTarEntry(entry: entry, reason: "path \"\(raw)\" escapes the layer directory")
                }
                parts.removeLast()
            default:
                guard !piece.utf8.contains(0) else {
                    throw ImageError.unsafeTarEntry(entry: entry, reason: "path contains a NUL byte")
                }
                parts.append(String(piece))
            }
        }
        components = parts
    }

    init(components: [String]) { self.components = components }

    var isRoot: Bool { components.isEmpty }
    var name: String { components.last ?? "." }
    var parent: EntryPath { EntryPath(components: Array(components.dropLast())) }
    var description: String { components.isEmpty ? "." : components.joined(separator: "/") }
}
