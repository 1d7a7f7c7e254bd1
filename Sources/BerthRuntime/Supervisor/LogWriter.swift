import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// One line of container output as stored on disk (JSON lines, docker json-file style).
public struct LogRecord: Codable, Sendable, Equatable {
    public enum Stream: String, Codable, Sendable { case stdout, stderr }
    /// RFC 3339 UTC with nanoseconds.
    public var time: String
    public var stream: Stream
    /// The line including its trailing newline (absent for a final partial line).
    public var log: String
}

/// Appends framed, timestamped lines to `container.log`, rotating to `.1`, `.2`, ... when the
/// size cap is reached so a chatty container cannot fill the disk.
final class LogWriter {
    let path: String
    let maxBytes: Int64
    let maxFiles: Int
    private var fd: FileDescriptor?
    private var size: Int64 = 0
    private var partial: [LogRecord.Stream: [UInt8]] = [:]

    init(path: String, maxBytes: Int64, maxFiles: Int) {
        self.path = path
        self.maxBytes = max(4096, maxBytes)
        self.maxFiles = max(1, maxFiles)
        open()
    }

    private func open() {
        fd = try? FileDescriptor.open(path, O_WRONLY | O_CREAT | O_APPEND, mode: 0o640)
        var info = stat()
        size = stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    func append(_ stream: LogRecord.Stream, _ bytes: ArraySlice<UInt8>) {
        var buffer = (partial[stream] ?? []) + bytes
        while let newline = buffer.firstIndex(of: 0x0A) {
            write(stream, Array(buffer[...newline]))
            buffer.removeSubrange(...newline)
        }
        if buffer.count >= 16384 {
            write(stream, buffer)
            buffer = []
        }
        partial[stream] = buffer
    }

    func flush() {
        for (stream, buffer) in partial where !buffer.isEmpty { write(stream, buffer) }
        partial = [:]
    }

    private func write(_ stream: LogRecord.Stream, _ line: [UInt8]) {
        let record = LogRecord(time: Clock.now(), stream: stream, log: String(decoding: line, as: UTF8.self))
        guard let text = try? JSONCoding.encodeString(record) else { return }
        let bytes = Array((text + "\n").utf8)
        if size + Int64(bytes.count) > maxBytes && size > 0 { rotate() }
        try? fd?.writeAll(bytes)
        size += Int64(bytes.count)
    }

    private func rotate() {
        fd?.close()
        if maxFiles > 1 {
            for index in stride(from: maxFiles - 1, through: 1, by: -1) {
                let from = index == 1 ? path : "\(path).\(index - 1)"
                Glibc.rename(from, "\(path).\(index)")
            }
        } else {
            unlink(path)
        }
        open()
    }

    func close() {
        flush()
        fd?.close()
        fd = nil
    }
}
