import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Whole-file replacement that readers never see half-written: temp file, fsync, rename.
enum AtomicFile {
    static func write(_ path: String, _ bytes: [UInt8]) throws(SystemCallError) {
        let temporary = "\(path).tmp\(getpid())"
        let fd = try FileDescriptor.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        do {
            try fd.writeAll(bytes)
            try fd.sync()
        } catch {
            fd.close()
            unlink(temporary)
            throw error
        }
        fd.close()
        try FileSystemCalls.rename(temporary, path)
    }

    static func write(_ path: String, _ text: String) throws(SystemCallError) { try write(path, Array(text.utf8)) }
}
