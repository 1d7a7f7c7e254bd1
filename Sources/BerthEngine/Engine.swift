import BerthPlan

public struct EngineOptions: Hashable, Sendable {
    /// Independent steps run in parallel up to this many at a time: enough to overlap slow
    /// image unpacking and health waits without swamping a small machine.
    public var maxConcurrency: Int
    /// Grace period before a stopped container is killed.
    public var stopTimeout: Duration
    /// How long to wait for a dependency condition or a new replica's health.
    public var waitTimeout: Duration
    /// Log lines attached to a failure report.
    public var logLines: Int

    public init(
        maxConcurrency: Int = 4, stopTimeout: Duration = .seconds(10), waitTimeout: Duration = .seconds(120),
        logLines: Int = 20
    ) {
        self.maxConcurrency = max(1, maxConcurrency)
        self.stopTimeout = stopTimeout
        self.waitTimeout = waitTimeout
        self.logLines = logLines
    }
}

/// Applies plans: dependencies first, independent actions in parallel, `depends_on`
/// conditions honoured, rolling updates health-gated. It never re-plans by itself; after a
/// failure the caller observes and plans again, which continues where this run stopped.
public struct Engine: Sendable {
    public let driver: any RuntimeDriver
    public let options: EngineOptions

    public init(driver: any RuntimeDriver, options: EngineOptions = EngineOptions()) {
        self.driver = driver
        self.options = options
    }

    /// Runs `plan`, reporting progress to `onEvent` (called from several tasks; it must be
    /// quick and thread-safe). Throws only when the plan has problems and nothing was done.
    public func apply(
        _ plan: Plan, onEvent: @escaping @Sendable (EngineEvent) -> Void = { _ in }
    ) async throws(PlanNotApplicable) -> ApplyReport {
        if !plan.problems.isEmpty { throw PlanNotApplicable(problems: plan.problems) }
        let graph = ExecutionGraph(plan: plan)
        let nodes = graph.nodes
        var waitingOn = nodes.map { $0.prerequisites.count }
        var dependents = [[(node: Int, blocking: Bool)]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for (upstream, blocking) in node.prerequisites { dependents[upstream].append((index, blocking)) }
        }
        var ready = nodes.indices.filter { waitingOn[$0] == 0 }
        var failedActions = Set<Int>()
        var skippedActions = Set<Int>()
        var failures: [ActionFailure] = []
        var nodeFailed = [Bool](repeating: false, count: nodes.count)

        // Teardowns (stopping and removing containers) mostly wait out grace periods: they
        // all run at once, so the grace periods overlap, and do not count against the limit.
        let isTeardown = nodes.map { node in
            let action = plan.actions[node.action]
            guard action.resource.kind == .service else { return false }
            return action.change == .remove || action.change == .scaleDown
                || (action.change == .recreate && node.part == .teardown)
        }
        await withTaskGroup(of: (Int, ActionFailure?).self) { group in
            var running = 0
            func launch(_ group: inout TaskGroup<(Int, ActionFailure?)>) {
                ready.sort(by: >)  // lowest index (plan order) last, for popLast
                var deferred: [Int] = []
                while let index = ready.popLast() {
                    if !isTeardown[index] && running >= options.maxConcurrency {
                        deferred.append(index)
                        continue
                    }
                    let node = nodes[index]
                    let unavailable = Set(
                        (failedActions.union(skippedActions)).compactMap { i -> String? in
                            let r = plan.actions[i].resource
                            return r.kind == .service ? r.name : nil
                        })
                    let runner = ActionRunner(
                        driver: driver, options: options, plan: plan, onEvent: onEvent,
                        unavailableServices: unavailable)
                    if !isTeardown[index] { running += 1 }
                    group.addTask {
                        do throws(ActionFailure) {
                            try await runner.run(actionIndex: node.action, part: node.part)
                            return (index, nil)
                        } catch {
                            return (index, error)
                        }
                    }
                }
                ready = deferred
            }
            launch(&group)
            while let (index, failure) = await group.next() {
                if !isTeardown[index] { running -= 1 }
                let action = nodes[index].action
                if let failure {
                    failures.append(failure)
                    failedActions.insert(action)
                    nodeFailed[index] = true
                }
                var queue: [(node: Int, blocked: Bool)] = dependents[index].map {
                    ($0.node, nodeFailed[index] && $0.blocking)
                }
                while let (next, blocked) = queue.popLast() {
                    if blocked && !nodeFailed[next] {
                        nodeFailed[next] = true
                        let skipped = nodes[next].action
                        if !failedActions.contains(skipped) && skippedActions.insert(skipped).inserted {
                            let a = plan.actions[skipped]
                            onEvent(
                                EngineEvent(
                                    resource: a.resource, change: a.change, operation: .action,
                                    state: .skipped("waits on \(plan.actions[action].resource), which failed")))
                        }
                        queue.append(contentsOf: dependents[next].map { ($0.node, $0.blocking) })
                        continue
                    }
                    waitingOn[next] -= 1
                    if waitingOn[next] == 0 && !nodeFailed[next] { ready.append(next) }
                }
                launch(&group)
            }
        }
        let done = Set(nodes.map(\.action)).subtracting(failedActions).subtracting(skippedActions)
        return ApplyReport(completed: done.sorted(), failures: failures, skipped: skippedActions.sorted())
    }

    /// `apply` feeding an `AsyncStream` (made with `AsyncStream.makeStream`), finished when
    /// the run ends, for a renderer that consumes events in its own task.
    public func apply(
        _ plan: Plan, events: AsyncStream<EngineEvent>.Continuation
    ) async throws(PlanNotApplicable) -> ApplyReport {
        defer { events.finish() }
        return try await apply(plan) { events.yield($0) }
    }
}
