import BerthEncoding
import BerthEngine
import Foundation

/// What berth did to a project, one JSON object per line in
/// `<root>/projects/<project>/events.jsonl`, for `berth events` and scripts. Capped: past
/// 1 MiB the file is rotated to `events.jsonl.1`, so it never grows without bound.
struct EventLog {
    static let limit = 1 << 20
    let path: String
    let project: String

    init(root: String, project: String) {
        self.project = project
        path = "\(root)/projects/\(project)/events.jsonl"
    }

    func append(_ event: EngineEvent) {
        guard case .object(var fields) = (try? JSONValue.parse(event.jsonLine)) ?? .null else { return }
        fields["project"] = .string(project)
        fields["time"] = .string(Self.timestamp())
        let line = JSONValue.object(fields).serialized + "\n"
        let manager = FileManager.default
        if let size = (try? manager.attributesOfItem(atPath: path)[.size] as? Int) ?? nil, size > Self.limit {
            try? manager.removeItem(atPath: path + ".1")
            try? manager.moveItem(atPath: path, toPath: path + ".1")
        }
        guard let handle = FileHandle(forWritingAtPath: path) ?? create() else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(line.utf8))
    }

    private func create() -> FileHandle? {
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        return FileHandle(forWritingAtPath: path)
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
