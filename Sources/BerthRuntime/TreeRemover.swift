import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `rm -rf` without shelling out: depth-first unlinkat relative to directory descriptors, never
/// following symlinks (a container's upper dir may contain anything).
enum TreeRemover {
    static func remove(_ path: String) throws(SystemCallError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw SystemCallError("lstat", "\"\(path)\"")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            try removeContents(AT_FDCWD, path, depth: 0)
            try retryingOnInterrupt("rmdir", "\"\(path)\"") { rmdir(path) }
        } else {
            try retryingOnInterrupt("unlink", "\"\(path)\"") { unlink(path) }
        }
    }

    private static func removeContents(_ parent: Int32, _ name: String, depth: Int) throws(SystemCallError) {
        guard depth < 256 else { throw SystemCallError("remove", "\"\(name)\" nested too deep", errno: .loop) }
        let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemCallError("openat", "\"\(name)\"") }
        guard let dir = fdopendir(fd) else {
            close(fd)
            throw SystemCallError("fdopendir", "\"\(name)\"")
        }
        defer { closedir(dir) }
        var names: [(String, Bool)] = []
        while let entry = readdir(dir) {
            let child = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if child == "." || child == ".." { continue }
            names.append((child, entry.pointee.d_type == UInt8(DT_DIR)))
        }
        for (child, isDirectory) in names {
            if isDirectory { try removeContents(fd, child, depth: depth + 1) }
            // Gone already is fine: the result is the same.
            if unlinkat(fd, child, isDirectory ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT {
                throw SystemCallError("unlinkat", "\"\(child)\"")
            }
        }
    }
}
