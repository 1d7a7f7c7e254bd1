#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Replaces a file so that a reader, or the next run after a SIGKILL or power loss, sees
/// either the old content or the new one, never a mix: write a temporary file beside it,
/// fsync, rename over the target, fsync the directory.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(SystemCallError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = try FileDescriptor.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: mode)
        var renamed = false
        defer {
            descriptor.close()
            if !renamed { unlink(temporary) }
        }
        try descriptor.writeAll(bytes)
        try descriptor.sync()
        try retryingOnInterrupt("rename", "\"\(temporary)\", \"\(path)\"") { rename(temporary, path) }
        renamed = true
        let parent = try FileDescriptor.open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY)
        defer { parent.close() }
        try parent.sync()
    }
}
