/// Lexical path handling: the loader reasons about where files are without touching the
/// file system (no symlink resolution), so results depend only on the inputs.
enum Paths {
    static func isAbsolute(_ path: String) -> Bool { path.hasPrefix("/") }

    /// `path` made absolute against `directory`, with `.` and `..` removed.
    static func absolute(_ path: String, relativeTo directory: String) -> String {
        normalise(isAbsolute(path) ? path : directory + "/" + path)
    }

    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// How a file is named in diagnostics: relative to the working directory when inside it,
    /// so messages stay short and clickable; absolute otherwise.
    static func display(_ absolute: String, workingDirectory: String) -> String {
        let base = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        if absolute.hasPrefix(base), absolute.count > base.count { return String(absolute.dropFirst(base.count)) }
        return absolute
    }
}
