import BerthEncoding
import BerthEngine
import BerthSystem
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What berth did to a project, one JSON object per line in
/// `<root>/projects/<project>/events.jsonl`, for `berth events` and scripts.
///
/// One instance per command, opened once. Engine tasks append concurrently, so appends are
/// serialised by a mutex; other berth processes append to the same file, so every line is one
/// `write` on an `O_APPEND` descriptor (the kernel never interleaves it with another writer's)
/// and the size check and rotation happen under an `flock` on the file. Capped like the
/// container logs: past 1 MiB the file is rotated to `.1`, `.2` (`.1` newest), keeping
/// `keptFiles` old ones, so it never grows without bound.
final class EventLog: Sendable {
    static let limit: Int64 = 1 << 20
    static let keptFiles = 3
    let path: String
    let project: String
    private let descriptor = Mutex<FileDescriptor?>(nil)

    init(root: String, project: String) {
        self.project = project
        path = "\(root)/projects/\(project)/events.jsonl"
    }

    deinit {
        descriptor.withLock { $0?.close() }
    }

    func append(_ event: EngineEvent) {
        guard case .object(var fields) = (try? JSONValue.parse(event.jsonLine)) ?? .null else { return }
        fields["project"] = .string(project)
        fields["time"] = .string(Self.timestamp())
        let line = Array((JSONValue.object(fields).serialized + "\n").utf8)
        descriptor.withLock { fd in
            guard var file = currentFile(&fd) else { return }
            if let size = try? file.status().size, size > 0, size + Int64(line.count) > Self.limit {
                rotate()
                try? file.unlock()
                file.close()
                fd = nil
                guard let fresh = currentFile(&fd) else { return }
                file = fresh
            }
            try? file.writeAll(line)
            try? file.unlock()
        }
    }

    /// The open file, locked, and still the one at `path` (another berth may have rotated it
    /// away since it was opened: then the new one is opened). Bounded: a rotation race is
    /// retried a few times, then the event is dropped rather than blocking the command.
    private func currentFile(_ fd: inout FileDescriptor?) -> FileDescriptor? {
        for _ in 0..<4 {
            if fd == nil {
                fd = try? FileDescriptor.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode: 0o600)
            }
            guard let open = fd, (try? open.lockExclusive()) != nil else { return nil }
            var onDisk = stat()
            if let mine = try? open.status(), stat(path, &onDisk) == 0, UInt64(onDisk.st_ino) == mine.inode {
                return open
            }
            try? open.unlock()
            open.close()
            fd = nil
        }
        return nil
    }

    /// `.2` → `.3`, `.1` → `.2`, the file → `.1`; the oldest beyond `keptFiles` is replaced.
    private func rotate() {
        for index in stride(from: Self.keptFiles, through: 1, by: -1) {
            let from = index == 1 ? path : "\(path).\(index - 1)"
            Glibc.rename(from, "\(path).\(index)")
        }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
