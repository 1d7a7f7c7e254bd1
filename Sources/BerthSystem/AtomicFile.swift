#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Replaces a file so that a reader, or the next run after a SIGKILL, sees either the old
/// content or the new one, never a mix: write a temporary file beside it, rename it over
/// the target. `durable` adds the fsyncs (file, then directory) for records that must also
/// survive a host crash; transient records skip their milliseconds.
public enum AtomicFile {
    public static func write(
        _ path: String, _ bytes: [UInt8], durable: Bool = true, mode: mode_t = 0o600
    ) throws(SystemCallError) {
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
        if durable { try descriptor.sync() }
        try retryingOnInterrupt("rename", "\"\(temporary)\", \"\(path)\"") { rename(temporary, path) }
        renamed = true
        guard durable else { return }
        let parent = try FileDescriptor.open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY)
        defer { parent.close() }
        try parent.sync()
    }

    public static func write(
        _ path: String, _ text: String, durable: Bool = true, mode: mode_t = 0o600
    ) throws(SystemCallError) {
        try write(path, Array(text.utf8), durable: durable, mode: mode)
    }
}
