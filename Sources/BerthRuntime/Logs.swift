import BerthSystem

/// Which log lines to return.
public struct LogOptions: Sendable {
    /// Only the last N lines (nil: all).
    public var tail: Int?
    /// Only lines at or after this RFC 3339 timestamp.
    public var since: String?
    public init(tail: Int? = nil, since: String? = nil) {
        self.tail = tail
        self.since = since
    }
}

extension Runtime {
    /// The container's output across restarts and rotations, oldest first. Following is done
    /// by the caller polling with `since` (the supervisor owns the file).
    public func logs(id: String, options: LogOptions = LogOptions()) throws(RuntimeError) -> [LogRecord] {
        _ = try state(id: id)
        let base = paths(id).log
        var records: [LogRecord] = []
        let files = (1..<100).reversed().map { "\(base).\($0)" } + [base]
        for file in files {
            guard let bytes = try? FileSystemCalls.readFile(file, limit: 1 << 30) else { continue }
            for line in bytes.split(separator: 0x0A) {
                guard let record = try? JSONCoding.decode(LogRecord.self, from: Array(line)) else { continue }
                if let since = options.since, record.time < since { continue }
                records.append(record)
            }
        }
        if let tail = options.tail { records = Array(records.suffix(max(0, tail))) }
        return records
    }
}
