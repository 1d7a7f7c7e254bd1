import BerthEncoding
import BerthPlan

extension EngineEvent {
    /// One JSON object per line with sorted keys, for `--progress json`.
    public var jsonLine: String {
        var o: [String: String] = [
            "resourceKind": resource.kind.rawValue, "resource": resource.name, "change": change.rawValue,
            "operation": operation.rawValue,
        ]
        if let container { o["container"] = container }
        switch state {
        case .started: o["state"] = "started"
        case .done: o["state"] = "done"
        case .failed(let message):
            o["state"] = "failed"
            o["message"] = message
        case .skipped(let why):
            o["state"] = "skipped"
            o["message"] = why
        case .warning(let message):
            o["state"] = "warning"
            o["message"] = message
        }
        let members = o.keys.sorted().map { "\(JSONValue.quoted($0)):\(JSONValue.quoted(o[$0] ?? ""))" }
        return "{" + (members + ["\"elapsedMs\":\(Self.milliseconds(elapsed))"]).sorted().joined(separator: ",") + "}"
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Elapsed time as people read it in progress output (`1.2s`, truncated to tenths).
    public static func seconds(_ d: Duration) -> String {
        let ms = milliseconds(d)
        return "\(ms / 1000).\(ms % 1000 / 100)s"
    }
}
