import BerthSession
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Renders pull progress: one line per layer redrawn in place on a terminal, plain
/// start/finish lines otherwise (logs, CI).
final class PullProgressPrinter: ImagePullObserver, @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(STDOUT_FILENO) == 1
    private var order: [ImageDigest] = []
    private var states: [ImageDigest: String] = [:]
    private var drawnLines = 0

    func receive(_ event: ImagePullEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .resolved(let reference, let manifest):
            emit("\(reference): resolved to \(manifest)")
        case .layerAlreadyStored(let digest):
            update(digest, "already stored")
        case .layerStarted(let digest, let size):
            update(digest, "downloading 0 B / \(ByteCount.format(size))")
        case .layerProgress(let digest, let received, let total):
            if interactive { update(digest, "downloading \(ByteCount.format(received)) / \(ByteCount.format(total))") }
        case .layerRetrying(let digest, let attempt, let reason):
            update(digest, "retrying (attempt \(attempt)): \(reason)")
        case .layerDownloaded(let digest):
            update(digest, "downloaded")
        case .unpacking(let digest):
            if interactive { update(digest, "unpacking") }
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if interactive {
            for digest in order { states[digest] = "done" }
            redraw()
        }
    }

    private func update(_ digest: ImageDigest, _ state: String) {
        if states[digest] == nil { order.append(digest) }
        states[digest] = state
        if interactive { redraw() } else { emit("\(digest.shortID): \(state)") }
    }

    private func emit(_ line: String) {
        if interactive && drawnLines > 0 {
            // Keep the layer table below informational lines.
            write("\u{1B}[\(drawnLines)A\u{1B}[J")
            drawnLines = 0
        }
        write(line + "\n")
        if interactive { redraw() }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func redraw() {
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        for digest in order { text += "\u{1B}[2K\(digest.shortID): \(states[digest] ?? "")\n" }
        write(text)
        drawnLines = order.count
    }
}

enum ByteCount {
    /// Decimal units like docker (`4.26MB`).
    static func format(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(bytes)B" }
        return String(format: value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f", value) + units[unit]
    }
}
