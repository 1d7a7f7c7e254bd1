import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Directory helpers that never follow symlinks, so removing or walking a layer whose
/// content is hostile cannot touch anything outside it.
enum DirectoryTree {
    static let directoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW

    /// Removes `name` inside `parent` and everything below it; missing is fine.
    static func remove(_ name: String, in parent: FileDescriptor) throws {
        try TreeRemover.remove(name, in: parent)
    }

    /// `mkdir -p` for berth's own state directories (trusted paths).
    static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode) != 0 {
                let err = Errno.current
                if err == .exists { continue }
                throw SystemCallError("mkdir", "\"\(current)\"", errno: err)
            }
        }
    }

    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let parent = String(path[..<slash])
        return (parent.isEmpty ? "/" : parent, String(path[path.index(after: slash)...]))
    }

    static func exists(_ path: String) -> Bool {
        var raw = stat()
        return lstat(path, &raw) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var raw = stat()
        return stat(path, &raw) == 0 && (raw.st_mode & S_IFMT) == S_IFDIR
    }
}
