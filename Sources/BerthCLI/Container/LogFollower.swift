import BerthSession
import Foundation

/// Prints a container's log records to stdout/stderr as they appear, until it has exited.
struct LogFollower {
    let runtime: Runtime
    let id: String
    let timestamps: Bool

    func print(_ records: [LogRecord]) {
        for record in records {
            let text = (timestamps ? record.time + " " : "") + record.log
            let handle = record.stream == .stdout ? FileHandle.standardOutput : FileHandle.standardError
            handle.write(Data(text.utf8))
        }
    }

    /// Prints until the container has exited for good.
    func follow(tail: Int? = nil, since: String? = nil) throws -> RuntimeContainerState {
        try runtime.followLogs(id: id, options: LogOptions(tail: tail, since: since)) { record in
            print([record])
            return true
        }
    }
}
