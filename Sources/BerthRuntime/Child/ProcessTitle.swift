import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// What `/proc/<pid>/cmdline` shows for berth's own PID 1 (`init: true`). PID 1 is a clone of
/// the supervisor, so without this the container would read the supervisor's arguments: host
/// paths of berth's binary and of the state root. docker shows `/sbin/docker-init -- CMD`;
/// berth shows `/sbin/berth-init -- CMD` the same way.
enum ProcessTitle {
    static let initPath = "/sbin/berth-init"
    static let prSetMM: Int32 = 35
    static let prSetMMArgEnd: UInt = 9

    /// Overwrites the argument area in place (zeroing all of it first, so no byte of the old
    /// arguments remains) and, when the kernel lets this process (CAP_SYS_RESOURCE, still held
    /// before the finalizer drops it), moves the area's end to the new text's end so no
    /// trailing empty arguments show. The area's bounds come from /proc/self/stat (fields 48
    /// and 49), the only record of them.
    static func replace(with words: [String]) {
        guard let stat = try? FileSystemCalls.readFile("/proc/self/stat") else { return }
        let text = String(decoding: stat, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return }
        // Field 3 (state) comes right after the command name in parentheses.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 46, let start = UInt(fields[45]), let end = UInt(fields[46].prefix { $0.isNumber }),
            end > start, let base = UnsafeMutableRawPointer(bitPattern: start)
        else { return }
        let length = Int(end - start)
        var bytes: [UInt8] = []
        for word in words { bytes += Array(word.utf8) + [0] }
        // The last byte stays NUL: the kernel then reads the area as NUL-separated arguments.
        let count = min(bytes.count, length - 1)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: length)
        bytes.withUnsafeBytes { raw in
            if let source = raw.baseAddress, count > 0 { base.copyMemory(from: source, byteCount: count) }
        }
        if count > 0 {
            _ = try? Credentials.prctl(prSetMM, prSetMMArgEnd, start + UInt(count) + (count < bytes.count ? 1 : 0))
        }
    }
}
