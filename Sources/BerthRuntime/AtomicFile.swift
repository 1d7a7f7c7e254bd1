import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Whole-file replacement that readers never see half-written: temp file, (fsync,) rename.
/// `durable` adds the fsync, for records that must survive a host crash (a container's exit
/// status); transient records (config before start, "running") skip its milliseconds.
enum AtomicFile {
    static func write(_ path: String, _ bytes: [UInt8], durable: Bool = true) throws(SystemCallError) {
        let temporary = "\(path).tmp\(getpid())"
        let fd = try FileDescriptor.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        do {
            try fd.writeAll(bytes)
            if durable { try fd.sync() }
        } catch {
            fd.close()
            unlink(temporary)
            throw error
        }
        fd.close()
        try FileSystemCalls.rename(temporary, path)
    }

    static func write(_ path: String, _ text: String, durable: Bool = true) throws(SystemCallError) {
        try write(path, Array(text.utf8), durable: durable)
    }
}
