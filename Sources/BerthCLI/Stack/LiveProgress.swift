import BerthSession
import Dispatch
import Foundation
import Synchronization

/// Progress on a terminal, like compose v2: one line per resource that changes, redrawn in
/// place with its current state and elapsed time (ticking while a step runs), so a person
/// sees what is slow while it is slow. Used for `--progress tty`, and `auto` on a terminal.
/// `@unchecked`: the rows sit behind a `Mutex`, and a dispatch timer source may be cancelled
/// from any thread.
final class LiveProgress: @unchecked Sendable {
    private struct Row {
        var subject: String
        var state: String
        var started: ContinuousClock.Instant
        var finished: Duration?
        var failed = false
    }

    private struct Screen {
        var rows: [Row] = []
        var index: [String: Int] = [:]
        var drawn = 0
    }

    private let screen = Mutex(Screen())
    private let colors: Bool
    private let timer: any DispatchSourceTimer

    init(colors: Bool) {
        self.colors = colors
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "berth.progress"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
    }

    /// Stops the ticking and leaves the final lines on screen.
    func finish() {
        timer.cancel()
        redraw()
    }

    func record(_ event: ProgressEvent) {
        guard let (subject, state, done, failed) = Self.describe(event) else { return }
        screen.withLock { screen in
            let now = ContinuousClock.now
            if let i = screen.index[subject] {
                screen.rows[i].state = state
                screen.rows[i].failed = failed
                if done {
                    screen.rows[i].finished = now - screen.rows[i].started
                } else {
                    screen.rows[i].started = now
                    screen.rows[i].finished = nil
                }
            } else {
                screen.index[subject] = screen.rows.count
                screen.rows.append(
                    Row(
                        subject: subject, state: state, started: now - (done ? event.elapsed : .zero),
                        finished: done ? event.elapsed : nil, failed: failed))
            }
        }
        redraw()
    }

    private func redraw() {
        let text = screen.withLock { screen -> String in
            var out = screen.drawn > 0 ? "\u{1B}[\(screen.drawn)A" : ""
            let width = screen.rows.map(\.subject.count).max() ?? 0
            let now = ContinuousClock.now
            for row in screen.rows {
                let elapsed = row.finished ?? (now - row.started)
                let pad = String(repeating: " ", count: width - row.subject.count)
                var state = row.state
                if colors {
                    state =
                        row.failed
                        ? "\u{1B}[31m\(state)\u{1B}[0m" : row.finished != nil ? "\u{1B}[32m\(state)\u{1B}[0m" : state
                }
                out +=
                    "\u{1B}[2K \(row.finished == nil ? "⠿" : "✔") \(row.subject)\(pad)  \(state)  \(ProgressEvent.seconds(elapsed))\n"
            }
            screen.drawn = screen.rows.count
            return out
        }
        Terminal.writeError(text)
    }

    /// The subject line and state text of an event, or nil for events that are not a step a
    /// person follows (the engine's bookkeeping around actions).
    static func describe(_ event: ProgressEvent) -> (String, String, Bool, Bool)? {
        let subject: String
        if let container = event.container {
            subject = "Container \(container)"
        } else if event.resource.kind != .service, event.operation != .action {
            subject = "\(event.resource.kind.rawValue.capitalized) \(event.resource.name)"
        } else {
            return nil
        }
        let (running, finished): (String, String)
        switch event.operation {
        case .create: (running, finished) = ("Creating", "Created")
        case .start: (running, finished) = ("Starting", "Started")
        case .stop: (running, finished) = ("Stopping", "Stopped")
        case .remove: (running, finished) = ("Removing", "Removed")
        case .wait: (running, finished) = ("Waiting", "Ready")
        case .kill: (running, finished) = ("Killing", "Killed")
        case .action: return nil
        }
        switch event.state {
        case .started: return (subject, running, false, false)
        case .done: return (subject, finished, true, false)
        case .failed(let message): return (subject, "Error: \(message)", true, true)
        case .skipped(let why): return (subject, "Skipped: \(why)", true, false)
        case .warning(let message): return (subject, "Warning: \(message)", false, false)
        }
    }
}
