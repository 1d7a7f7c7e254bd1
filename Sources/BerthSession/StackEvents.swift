import BerthEngine
import BerthPlan
import Synchronization

/// A step of a plan as the engine reports it; the CLI renders these as live lines, plain
/// lines or JSON.
public typealias ProgressEvent = EngineEvent

/// What a session reports while it works, in order. The session decides what happened; the
/// observer (the CLI's progress views) only decides how it looks.
public enum StackEvent: Sendable {
    /// Another berth command holds the project's lock; the session waits for it.
    case waitingForLock(project: String)
    /// A step of the plan being applied.
    case progress(ProgressEvent)
    /// The plan being applied has finished (live views stop redrawing).
    case applyFinished
    /// A one-line notice for the person at the terminal ("Aborting on container exit...").
    case notice(String)
}

/// Receives a session's events. Called from several tasks while a plan runs: it must be
/// quick and thread-safe.
public protocol StackObserver: Sendable {
    func receive(_ event: StackEvent)
}

/// An observer that drops everything (scripts, tests that only look at results).
public struct SilentObserver: StackObserver {
    public init() {}
    public func receive(_ event: StackEvent) {}
}

/// Passes each failure on once: a failed step is reported by the step's own event, so the
/// engine's bookkeeping event that marks the whole action failed is not passed on again.
final class FailureDeduplicator: Sendable {
    private let failedSteps = Mutex(Set<Resource>())

    func shouldForward(_ event: ProgressEvent) -> Bool {
        guard case .failed = event.state else { return true }
        return failedSteps.withLock { failed in
            if event.operation != .action {
                failed.insert(event.resource)
                return true
            }
            return !failed.contains(event.resource)
        }
    }
}

/// A failure the session already explained in one line (what, where, what to do), or the
/// failures of an applied plan, each once.
public enum StackError: Error, CustomStringConvertible, Sendable {
    case message(String)
    /// Steps that failed while applying a plan (with the containers' last log lines).
    case applyFailed([String])

    public var description: String {
        switch self {
        case .message(let text): return text
        case .applyFailed(let failures): return failures.joined(separator: "\n")
        }
    }
}
