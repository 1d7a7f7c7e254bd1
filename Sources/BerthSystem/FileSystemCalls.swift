import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// File-level calls used while assembling a root filesystem.
public enum FileSystemCalls {
    public static func makeNode(_ path: String, mode: mode_t, major: UInt32, minor: UInt32) throws(SystemCallError) {
        try retryingOnInterrupt("mknod", "\"\(path)\", 0o\(String(mode, radix: 8)), \(major):\(minor)") {
            mknod(path, mode, dev_t(berth_makedev(major, minor)))
        }
    }

    /// Creates a directory; an existing one is fine.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(SystemCallError) {
        if mkdir(path, mode) == 0 || errno == EEXIST { return }
        throw SystemCallError("mkdir", "\"\(path)\"")
    }

    /// Creates every missing directory along `path`.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(SystemCallError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            try makeDirectory(prefix, mode: mode)
        }
    }

    public static func symlink(_ target: String, at path: String) throws(SystemCallError) {
        if Glibc.symlink(target, path) == 0 || errno == EEXIST { return }
        throw SystemCallError("symlink", "\"\(target)\", \"\(path)\"")
    }

    /// Opens `path` beneath `root` as if `root` were "/": symlinks and ".." cannot leave it
    /// (openat2 RESOLVE_IN_ROOT), so a hostile image cannot point a mount target at the host.
    public static func openInRoot(_ root: FileDescriptor, _ path: String, flags: Int32, mode: mode_t = 0)
        throws(SystemCallError) -> FileDescriptor
    {
        let fd = try retryingOnInterrupt("openat2", "\(root.rawValue), \"\(path)\", RESOLVE_IN_ROOT") {
            berth_openat2_in_root(root.rawValue, path, flags | O_CLOEXEC, UInt32(mode))
        }
        return FileDescriptor(rawValue: fd)
    }

    /// Closes (or marks close-on-exec with CLOSE_RANGE_CLOEXEC) every descriptor in the range.
    public static func closeRange(from first: UInt32, to last: UInt32 = UInt32.max, flags: UInt32 = 0)
        throws(SystemCallError)
    {
        try retryingOnInterrupt("close_range", "\(first), \(last), \(flags)") { berth_close_range(first, last, flags) }
    }

    public static func memfdCreate(_ name: String, flags: UInt32) throws(SystemCallError) -> FileDescriptor {
        FileDescriptor(
            rawValue: try retryingOnInterrupt("memfd_create", "\"\(name)\"") { berth_memfd_create(name, flags) })
    }

    public static func rename(_ from: String, _ to: String) throws(SystemCallError) {
        try retryingOnInterrupt("rename", "\"\(from)\", \"\(to)\"") { Glibc.rename(from, to) }
    }

    /// Reads a whole (small) file, e.g. a cgroup or /proc entry.
    public static func readFile(_ path: String, limit: Int = 16 << 20) throws(SystemCallError) -> [UInt8] {
        let fd = try FileDescriptor.open(path, O_RDONLY)
        defer { fd.close() }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while result.count < limit {
            let n = try buffer.withUnsafeMutableBytes { raw in
                Result { () throws(SystemCallError) in try fd.read(into: raw) }
            }.get()
            if n == 0 { break }
            result += buffer[0..<n]
        }
        return result
    }

    /// Writes `bytes` to an existing file without truncating semantics beyond O_TRUNC (for
    /// cgroup knobs and /proc/sys entries, which take one write).
    public static func writeFile(_ path: String, _ bytes: some Sequence<UInt8>, flags: Int32 = O_WRONLY | O_TRUNC)
        throws(SystemCallError)
    {
        let fd = try FileDescriptor.open(path, flags, mode: 0o644)
        defer { fd.close() }
        try fd.writeAll(bytes)
    }
}
