import BerthPlan

/// Progress of one step, for the CLI to render as live TTY lines, plain lines or JSON lines.
public struct EngineEvent: Hashable, Sendable {
    public enum Operation: String, Hashable, Sendable {
        /// The whole action (container is nil).
        case action
        case create
        case start
        case stop
        case remove
        case wait
        /// A signal sent (`berth kill`).
        case kill
    }

    public enum State: Hashable, Sendable {
        case started
        case done
        case failed(String)
        /// Not run because something it waits on failed.
        case skipped(String)
        /// Went on despite a problem (optional dependency failed, `failure_action: continue`).
        case warning(String)
    }

    public var resource: Resource
    public var change: Change
    public var container: String?
    public var operation: Operation
    public var state: State
    /// Time since this step started (zero for `started`).
    public var elapsed: Duration

    public init(
        resource: Resource, change: Change, container: String? = nil, operation: Operation, state: State,
        elapsed: Duration = .zero
    ) {
        self.resource = resource
        self.change = change
        self.container = container
        self.operation = operation
        self.state = state
        self.elapsed = elapsed
    }
}
