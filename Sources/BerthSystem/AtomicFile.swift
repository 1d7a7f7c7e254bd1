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

    /// Removes what interrupted writes left in `directory`: this writer's `NAME.tmp-PID-N` and
    /// Foundation's `.dat.nosyncHEXPID.XXXXXX` (earlier berth versions wrote with
    /// `Data.write(options: .atomic)`), when the writing process is gone. A SIGKILL between
    /// create and rename runs no cleanup, so a process that owns the directory calls this when
    /// it starts; a live writer's file is left alone. Returns the names removed.
    @discardableResult
    public static func removeStaleTemporaries(in directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var removed: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = writer(ofTemporary: name), kill(pid, 0) != 0, errno == ESRCH else { continue }
            if unlink("\(directory)/\(name)") == 0 { removed.append(name) }
        }
        return removed
    }

    /// The pid in a temporary file's name, or nil when the name is not one.
    static func writer(ofTemporary name: String) -> pid_t? {
        if name.hasPrefix(".dat.nosync"), let dot = name.lastIndex(of: ".") {
            let hex = name[name.index(name.startIndex, offsetBy: 11)..<dot]
            return pid_t(hex, radix: 16).flatMap { $0 > 0 ? $0 : nil }
        }
        guard let dot = name.lastIndex(of: "."), name[name.index(after: dot)...].hasPrefix("tmp-") else { return nil }
        let parts = name[name.index(dot, offsetBy: 5)...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, UInt32(parts[1]) != nil, let pid = pid_t(parts[0]), pid > 0 else { return nil }
        return pid
    }
}
