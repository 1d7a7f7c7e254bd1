import ArgumentParser
import BerthSession
import Foundation

/// `--progress`: live lines on a terminal (`tty`), one line per finished step otherwise
/// (`plain`), JSON lines for tools; `auto` picks `tty` or `plain` by what stderr is.
enum ProgressFormat: String, ExpressibleByArgument, CaseIterable {
    case auto, tty, plain, json, quiet
}

/// Renders engine events as live lines, `Container app-web-1  Started  0.3s` lines, or JSON
/// lines.
struct ProgressPrinter: Sendable {
    let format: ProgressFormat
    private let live: LiveProgress?
    /// What a finished `kill` step says, e.g. `Killed (SIGTERM)`.
    var killVerb = "Killed"

    init(format: ProgressFormat, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let resolved: ProgressFormat
        if format == .auto {
            resolved = Terminal.isTerminal(2) && environment["TERM"] != "dumb" ? .tty : .plain
        } else {
            resolved = format
        }
        self.format = resolved
        live = resolved == .tty ? LiveProgress(colors: Terminal.colors(fd: 2, environment: environment)) : nil
    }

    func print(_ event: ProgressEvent) {
        switch format {
        case .quiet: return
        case .json: Terminal.writeError(event.jsonLine + "\n")
        case .tty: live?.record(event)
        case .auto, .plain:
            if let line = Self.line(event, killVerb: killVerb) { Terminal.writeError(line + "\n") }
        }
    }

    /// Ends live output (the last state stays on screen).
    func finish() {
        live?.finish()
    }

    static func line(_ event: ProgressEvent, killVerb: String = "Killed") -> String? {
        let time = ProgressEvent.seconds(event.elapsed)
        let subject: String
        if let container = event.container {
            subject = "Container \(container)"
        } else if event.resource.kind == .service {
            subject = "Service \(event.resource.name)"
        } else {
            subject = "\(event.resource.kind.rawValue.capitalized) \(event.resource.name)"
        }
        switch event.state {
        case .started:
            return nil
        case .done:
            if event.container == nil && event.operation != .action { return nil }
            if event.container == nil && ![.create, .recreate, .remove].contains(event.change) { return nil }
            let verb: String
            switch event.operation {
            case .create: verb = "Created"
            case .start: verb = "Started"
            case .stop: verb = "Stopped"
            case .remove: verb = "Removed"
            case .wait: verb = "Ready"
            case .kill: verb = killVerb
            case .action:
                guard event.container == nil, event.resource.kind != .service else { return nil }
                verb = event.change == .remove ? "Removed" : "Created"
            }
            return "\(subject)  \(verb)  \(time)"
        case .failed(let message): return "\(subject)  Error  \(message)"
        case .skipped(let why): return "\(subject)  Skipped  \(why)"
        case .warning(let message): return "\(subject)  Warning  \(message)"
        }
    }
}
