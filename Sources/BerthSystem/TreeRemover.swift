#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `rm -rf` without shelling out, confined to berth's root: depth-first unlinkat relative to
/// directory descriptors, never following symlinks (a container's upper dir may contain
/// anything). The one way berth deletes a tree. Before anything is removed the path's parent
/// is resolved (symlinks and `..` included) and must lie within the root, so a name that
/// slipped through validation, or a damaged record, can never delete a host directory.
public struct TreeRemover: Sendable {
    /// berth's root as given; resolved at each removal (it may be a symlink itself).
    public let root: String

    public init(root: String) { self.root = root }

    /// Removes `path` and everything beneath it; a path that does not exist is not an error.
    /// Refuses (EXDEV) a path that does not resolve beneath the root, or the root itself.
    public func remove(_ path: String) throws(SystemCallError) {
        let (parent, name) = try confine(path)
        guard let parent else { return }
        let directory = open(parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else {
            if errno == ENOENT { return }
            throw SystemCallError("open", "\"\(parent)\"")
        }
        defer { close(directory) }
        var info = stat()
        guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return }
            throw SystemCallError("fstatat", "\"\(path)\"")
        }
        try Self.removeEntry(name, in: directory, isDirectory: (info.st_mode & S_IFMT) == S_IFDIR)
    }

    /// Removes `name` inside an open directory that the caller already holds beneath its
    /// own confined tree (an image layer being unpacked, the blob store); missing is fine.
    public static func remove(_ name: String, in parent: FileDescriptor) throws(SystemCallError) {
        var info = stat()
        guard fstatat(parent.rawValue, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return }
            throw SystemCallError("fstatat", "\(parent.rawValue), \"\(name)\"")
        }
        try removeEntry(name, in: parent.rawValue, isDirectory: (info.st_mode & S_IFMT) == S_IFDIR)
    }

    private static func removeEntry(_ name: String, in directory: Int32, isDirectory: Bool) throws(SystemCallError) {
        if isDirectory { try removeContents(directory, name, depth: 0) }
        try retryingOnInterrupt("unlinkat", "\(directory), \"\(name)\", \(isDirectory ? "AT_REMOVEDIR" : "0")") {
            let result = unlinkat(directory, name, isDirectory ? AT_REMOVEDIR : 0)
            return result != 0 && errno == ENOENT ? 0 : result
        }
    }

    /// The resolved parent directory of `path` (nil when it does not exist, so there is
    /// nothing to remove) and the last component, after checking both stay beneath the root.
    func confine(_ path: String) throws(SystemCallError) -> (String?, String) {
        let refused = SystemCallError(
            "remove", "\"\(path)\": refused, it is not beneath berth's root \"\(root)\"", errno: Errno(rawValue: EXDEV))
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard trimmed.hasPrefix("/"), let slash = trimmed.lastIndex(of: "/") else { throw refused }
        let name = String(trimmed[trimmed.index(after: slash)...])
        guard !name.isEmpty, name != ".", name != "..", !name.utf8.contains(0) else { throw refused }
        let parentPath = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
        guard let realRoot = Self.resolve(root) else {
            // No root on disk: nothing beneath it can exist either.
            if errno == ENOENT { return (nil, name) }
            throw SystemCallError("realpath", "\"\(root)\"")
        }
        guard let realParent = Self.resolve(parentPath) else {
            if errno == ENOENT, Self.isBeneath(parentPath, realRoot) || Self.isBeneath(parentPath, root) {
                return (nil, name)
            }
            if errno == ENOENT { throw refused }
            throw SystemCallError("realpath", "\"\(parentPath)\"")
        }
        guard realParent == realRoot || Self.isBeneath(realParent, realRoot) else { throw refused }
        return (realParent, name)
    }

    static func isBeneath(_ path: String, _ root: String) -> Bool {
        let prefix = root == "/" ? "/" : root + "/"
        return path.hasPrefix(prefix) && !path.split(separator: "/").contains("..")
    }

    static func resolve(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
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
