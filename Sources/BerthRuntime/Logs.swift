import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

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
        // Rotated files are numbered without gaps (.1 newest): stop at the first missing one.
        var rotated: [String] = []
        for index in 1..<1000 {
            let file = "\(base).\(index)"
            if access(file, F_OK) != 0 { break }
            rotated.append(file)
        }
        let files = rotated.reversed() + [base]
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

extension Runtime {
    /// Delivers log records as they are written (after `tail`/`since` of the existing ones)
    /// until the container has exited for good or `handler` returns false; returns the last
    /// state seen. Polls the log file, quickly at first (short containers finish within
    /// milliseconds), backing off to 50 ms while idle.
    @discardableResult
    public func followLogs(id: String, options: LogOptions = LogOptions(), handler: (LogRecord) -> Bool)
        throws(RuntimeError) -> ContainerState
    {
        var last = options.since
        var first = true
        var delayMilliseconds: Int32 = 1
        // A `wait` request on the supervisor's socket turns readable the moment the container
        // has exited for good, so the end is seen at once while log polling backs off.
        let waiter = try? Sockets.connect(path: paths(id).socket)
        defer { waiter?.close() }
        if let waiter { try? ControlChannel.send(waiter, ControlRequest(operation: .wait)) }
        while true {
            let state = try state(id: id)
            let records = try logs(id: id, options: LogOptions(tail: first ? options.tail : nil, since: last))
                .filter { record in last.map { record.time > $0 } ?? true }
            first = false
            for record in records {
                if !handler(record) { return state }
                last = record.time
            }
            if state.status == .exited || state.status == .created {
                // Lines written between the read above and the exit.
                let rest = try logs(id: id, options: LogOptions(since: last))
                    .filter { record in last.map { record.time > $0 } ?? true }
                for record in rest where !handler(record) { break }
                return state
            }
            delayMilliseconds = records.isEmpty ? min(delayMilliseconds * 2, 50) : 1
            var entry = pollfd(fd: waiter?.rawValue ?? -1, events: Int16(POLLIN), revents: 0)
            // Readable once answered (the final state is recorded) or the supervisor is gone.
            _ = poll(&entry, 1, delayMilliseconds)
        }
    }
}
