import BerthRuntime
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

    /// Follows while `keepGoing` holds and the container is running or restarting.
    func follow(tail: Int? = nil, since: String? = nil, until keepGoing: () -> Bool) throws -> ContainerState {
        var last = since
        var first = true
        while true {
            let state = try runtime.state(id: id)
            var records = try runtime.logs(id: id, options: LogOptions(tail: first ? tail : nil, since: last))
            if let last { records.removeAll { $0.time <= last } }
            first = false
            print(records)
            if let newest = records.last?.time { last = newest }
            if state.status == .exited || state.status == .created || !keepGoing() {
                let final = try runtime.logs(id: id, options: LogOptions(since: last)).filter {
                    last == nil || $0.time > last ?? ""
                }
                print(final)
                return state
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
