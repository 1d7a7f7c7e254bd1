import BerthPlan

/// What happened when a plan was applied. A failure leaves every earlier step in place;
/// planning again from the observed state continues from there.
public struct ApplyReport: Hashable, Sendable {
    /// Indices into `Plan.actions`.
    public var completed: [Int]
    public var failures: [ActionFailure]
    /// Actions not run because an action they wait on failed.
    public var skipped: [Int]

    public init(completed: [Int] = [], failures: [ActionFailure] = [], skipped: [Int] = []) {
        self.completed = completed
        self.failures = failures
        self.skipped = skipped
    }

    public var succeeded: Bool { failures.isEmpty && skipped.isEmpty }
}

/// Which resource failed, doing what, why, and the container's last log lines.
public struct ActionFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var resource: Resource
    public var container: String?
    public var operation: EngineEvent.Operation
    public var message: String
    public var logLines: [String]

    public init(
        resource: Resource, container: String? = nil, operation: EngineEvent.Operation, message: String,
        logLines: [String] = []
    ) {
        self.resource = resource
        self.container = container
        self.operation = operation
        self.message = message
        self.logLines = logLines
    }

    public var description: String {
        var text = "\(resource)"
        if let container { text += " (container \(container))" }
        text += ": \(message)"
        if !logLines.isEmpty {
            text += "\n  last log lines:\n" + logLines.map { "    " + $0 }.joined(separator: "\n")
        }
        return text
    }
}

/// The plan has problems (see `Plan.problems`) and was not applied.
public struct PlanNotApplicable: Error, Hashable, Sendable, CustomStringConvertible {
    public var problems: [PlanProblem]

    public var description: String {
        "the plan cannot be applied:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
