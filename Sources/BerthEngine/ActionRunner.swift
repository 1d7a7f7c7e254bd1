import BerthPlan

/// Runs one node of the execution graph against the driver and reports every step.
struct ActionRunner: Sendable {
    let driver: any RuntimeDriver
    let options: EngineOptions
    let plan: Plan
    let onEvent: @Sendable (EngineEvent) -> Void
    /// Services whose actions failed or were skipped before this node started.
    let unavailableServices: Set<String>

    func run(actionIndex: Int, part: ExecutionGraph.Part) async throws(ActionFailure) {
        let action = plan.actions[actionIndex]
        let clock = ContinuousClock()
        let start = clock.now
        emit(action, operation: .action, .started)
        do {
            switch action.resource.kind {
            case .network, .volume: try await runStorageOrNetwork(action, part: part)
            case .service: try await runService(action, part: part)
            }
        } catch {
            emit(action, operation: .action, .failed(error.description), elapsed: clock.now - start)
            throw error
        }
        emit(action, operation: .action, .done, elapsed: clock.now - start)
    }

    // MARK: Networks and volumes

    private func runStorageOrNetwork(_ action: Action, part: ExecutionGraph.Part) async throws(ActionFailure) {
        let name = action.resource.name
        let isNetwork = action.resource.kind == .network
        let remove = action.change == .remove || (action.change == .recreate && part != .bringUp)
        let create = action.change == .create || (action.change == .recreate && part != .teardown)
        if remove {
            try await step(action, operation: .remove) {
                if isNetwork { try await driver.removeNetwork(name) } else { try await driver.removeVolume(name) }
            }
        }
        if create {
            try await step(action, operation: .create) {
                if isNetwork {
                    try await driver.createNetwork(
                        NetworkSpec(
                            name: name, definition: plan.networks[name] ?? Definition(),
                            model: plan.networkModels[name]))
                } else {
                    try await driver.createVolume(
                        VolumeSpec(
                            name: name, definition: plan.volumes[name] ?? Definition(), model: plan.volumeModels[name]))
                }
            }
        }
    }

    // MARK: Services

    private func runService(_ action: Action, part: ExecutionGraph.Part) async throws(ActionFailure) {
        switch (action.change, part) {
        case (.noop, _):
            return
        case (.remove, _), (.scaleDown, _):
            try await concurrently(action.replicas.map(\.container)) { name throws(ActionFailure) in
                try await stopAndRemove(action, name)
            }
        case (.create, _), (.scaleUp, _):
            try await waitForDependencies(action)
            try await concurrently(action.replicas, limit: options.maxConcurrency) { replica throws(ActionFailure) in
                try await createAndStart(action, replica)
            }
        case (.start, _):
            try await waitForDependencies(action)
            for replica in action.replicas { try await startContainer(action, replica.container) }
        case (.restart, _):
            try await waitForDependencies(action)
            for replica in action.replicas {
                try await stopContainer(action, replica.container)
                try await startContainer(action, replica.container)
            }
        case (.recreate, .teardown):
            try await concurrently(action.replicas.map { $0.previous ?? $0.container }) { name throws(ActionFailure) in
                try await stopAndRemove(action, name)
            }
        case (.recreate, .bringUp):
            try await waitForDependencies(action)
            for replica in action.replicas { try await createAndStart(action, replica) }
        case (.recreate, .whole):
            try await waitForDependencies(action)
            try await rollout(action)
        case (.stop, _):
            try await concurrently(action.replicas) { replica throws(ActionFailure) in
                try await stopContainer(action, replica.container)
            }
        case (.kill, _):
            let signal = plan.signal
            try await concurrently(action.replicas) { replica throws(ActionFailure) in
                try await step(action, container: replica.container, operation: .kill) {
                    try await driver.killContainer(replica.container, signal: signal)
                }
            }
        case (.wait, _):
            try await concurrently(action.replicas) { replica throws(ActionFailure) in
                try await waitUntilReady(action, replica.container)
            }
        }
    }

    /// `up --wait`: running, and healthy when the container has a healthcheck; a one-shot
    /// job that finished with status 0 counts as ready.
    private func waitUntilReady(_ action: Action, _ container: String) async throws(ActionFailure) {
        let deadline = ContinuousClock.now + options.waitTimeout
        var condition = WaitCondition.healthy
        var outcome = WaitOutcome.timedOut
        try await step(action, container: container, operation: .wait) {
            outcome = try await driver.waitUntil(.healthy, container: container, deadline: deadline)
            if outcome == .noHealthcheck {
                condition = .started
                outcome = try await driver.waitUntil(.started, container: container, deadline: deadline)
            }
        }
        switch outcome {
        case .satisfied, .noHealthcheck, .exited(code: 0): return
        case .exited, .unhealthy, .timedOut:
            var message = "container \(container) " + Self.describe(outcome, condition, options.waitTimeout)
            if outcome == .timedOut { message += " (see `berth logs \(action.resource.name)`)" }
            throw ActionFailure(
                resource: action.resource, container: container, operation: .wait, message: message,
                logLines: await driver.recentLogs(container: container, lines: options.logLines))
        }
    }

    /// Replaces replicas one at a time. Start-first starts the new container next to the
    /// old one and stops the old one only once the new one is healthy; stop-first swaps them
    /// and, when more replicas follow, waits for health before touching the next, so a bad
    /// version never takes down every replica.
    private func rollout(_ action: Action) async throws(ActionFailure) {
        let service = try target(of: action).service
        var replacedOld: [String] = []  // with rollback: old containers to remove once all new ones are healthy
        var started: [String] = []  // with rollback: new containers to remove if a later one fails
        for (position, replica) in action.replicas.enumerated() {
            let hasMore = position < action.replicas.count - 1
            let previous = replica.previous ?? replica.container
            let sideBySide = previous != replica.container && plan.startContainers
            if sideBySide {
                try await createAndStart(action, replica)
                let condition: WaitCondition = service.hasHealthcheck ? .healthy : .started
                let outcome = try await wait(action, condition, on: replica.container)
                if outcome == .satisfied {
                    if service.failureAction == .rollback {
                        replacedOld.append(previous)
                        started.append(replica.container)
                    } else {
                        try await stopAndRemove(action, previous)
                    }
                    continue
                }
                let problem =
                    "new container \(replica.container) " + Self.describe(outcome, condition, options.waitTimeout)
                let logs = await driver.recentLogs(container: replica.container, lines: options.logLines)
                switch service.failureAction {
                case .continue:
                    emit(action, container: replica.container, operation: .wait, .warning(problem + "; continuing"))
                    try await stopAndRemove(action, previous)
                case .pause:
                    try await stopAndRemove(action, replica.container)
                    throw ActionFailure(
                        resource: action.resource, container: replica.container, operation: .wait,
                        message: "rollout paused: \(problem); \(previous) keeps serving the previous version",
                        logLines: logs)
                case .rollback:
                    try await stopAndRemove(action, replica.container)
                    for name in started { try await stopAndRemove(action, name) }
                    throw ActionFailure(
                        resource: action.resource, container: replica.container, operation: .wait,
                        message: "rolled back: \(problem); every replica keeps serving the previous version",
                        logLines: logs)
                }
            } else {
                try await stopAndRemove(action, previous)
                try await createAndStart(action, replica)
                guard plan.startContainers && service.hasHealthcheck && hasMore else { continue }
                let outcome = try await wait(action, .healthy, on: replica.container)
                guard outcome != .satisfied else { continue }
                let problem =
                    "new container \(replica.container) " + Self.describe(outcome, .healthy, options.waitTimeout)
                if service.failureAction == .continue {
                    emit(action, container: replica.container, operation: .wait, .warning(problem + "; continuing"))
                    continue
                }
                var message = "rollout stopped: \(problem); the replicas after it keep the previous version"
                if service.failureAction == .rollback {
                    message +=
                        " (rolling back needs update_config.order: start-first, which keeps old replicas "
                        + "until new ones are healthy)"
                }
                throw ActionFailure(
                    resource: action.resource, container: replica.container, operation: .wait, message: message,
                    logLines: await driver.recentLogs(container: replica.container, lines: options.logLines))
            }
        }
        for name in replacedOld { try await stopAndRemove(action, name) }
    }

    /// Honours `depends_on` conditions before this service's containers start.
    private func waitForDependencies(_ action: Action) async throws(ActionFailure) {
        // Lifecycle plans act on containers that exist; their order already follows
        // `depends_on`, and there is no configuration to read conditions from.
        guard plan.startContainers, plan.kind != .lifecycle else { return }
        let service = try target(of: action).service
        for dependency in service.dependsOn {
            guard let upstream = plan.targets[dependency.service] else { continue }
            if unavailableServices.contains(dependency.service) {
                emit(
                    action, operation: .wait,
                    .warning("optional dependency \(dependency.service) failed; starting without it"))
                continue
            }
            let condition: WaitCondition
            switch dependency.condition {
            case .started: condition = .started
            case .healthy: condition = .healthy
            case .completedSuccessfully: condition = .completedSuccessfully
            }
            for replica in upstream.replicas {
                let outcome = try await wait(action, condition, on: replica.container)
                guard outcome != .satisfied else { continue }
                let problem =
                    "dependency \(dependency.service) (container \(replica.container)) "
                    + Self.describe(outcome, condition, options.waitTimeout)
                if !dependency.required {
                    emit(
                        action, container: replica.container, operation: .wait, .warning(problem + "; starting anyway"))
                    continue
                }
                throw ActionFailure(
                    resource: action.resource, container: replica.container, operation: .wait,
                    message: problem + "; \(service.name) was not started",
                    logLines: await driver.recentLogs(container: replica.container, lines: options.logLines))
            }
        }
    }

    // MARK: Container steps

    private func createAndStart(_ action: Action, _ replica: Replica) async throws(ActionFailure) {
        let spec = ContainerSpec(
            project: plan.project, service: try target(of: action).service, replica: replica.number,
            name: replica.container)
        try await step(action, container: replica.container, operation: .create) {
            try await driver.createContainer(spec)
        }
        if plan.startContainers { try await startContainer(action, replica.container) }
    }

    private func startContainer(_ action: Action, _ name: String) async throws(ActionFailure) {
        try await step(action, container: name, operation: .start) { try await driver.startContainer(name) }
    }

    private func stopContainer(_ action: Action, _ name: String) async throws(ActionFailure) {
        let timeout = options.stopTimeout
        try await step(action, container: name, operation: .stop) {
            try await driver.stopContainer(name, timeout: timeout)
        }
    }

    private func stopAndRemove(_ action: Action, _ name: String) async throws(ActionFailure) {
        try await stopContainer(action, name)
        try await step(action, container: name, operation: .remove) { try await driver.removeContainer(name) }
    }

    /// Runs `body` for every item, up to `limit` at once: a service's replicas are created
    /// side by side, and stopped together so their grace periods overlap. Every item runs;
    /// the first failure in item order is the action's.
    private func concurrently<Item: Sendable>(
        _ items: [Item], limit: Int = .max, _ body: @escaping @Sendable (Item) async throws(ActionFailure) -> Void
    ) async throws(ActionFailure) {
        if items.count == 1 { return try await body(items[0]) }
        let failures = await withTaskGroup(of: (Int, ActionFailure?).self) { group in
            var failures: [(Int, ActionFailure)] = []
            var next = 0
            func launch(_ group: inout TaskGroup<(Int, ActionFailure?)>) {
                let position = next
                let item = items[position]
                next += 1
                group.addTask {
                    do throws(ActionFailure) {
                        try await body(item)
                        return (position, nil)
                    } catch {
                        return (position, error)
                    }
                }
            }
            while next < min(items.count, max(1, limit)) { launch(&group) }
            while let (position, failure) = await group.next() {
                if let failure { failures.append((position, failure)) }
                if next < items.count { launch(&group) }
            }
            return failures
        }
        if let first = failures.min(by: { $0.0 < $1.0 }) { throw first.1 }
    }

    private func wait(_ action: Action, _ condition: WaitCondition, on container: String) async throws(ActionFailure)
        -> WaitOutcome
    {
        let deadline = ContinuousClock.now + options.waitTimeout
        var outcome = WaitOutcome.timedOut
        try await step(action, container: container, operation: .wait) {
            outcome = try await driver.waitUntil(condition, container: container, deadline: deadline)
        }
        return outcome
    }

    /// Runs one driver call with started/done/failed events; driver errors become an
    /// `ActionFailure` naming the resource and container, with the container's last logs.
    private func step(
        _ action: Action, container: String? = nil, operation: EngineEvent.Operation,
        _ body: () async throws -> Void
    ) async throws(ActionFailure) {
        let clock = ContinuousClock()
        let start = clock.now
        emit(action, container: container, operation: operation, .started)
        do {
            try await body()
        } catch {
            let verb: String
            switch operation {
            case .create: verb = "creating"
            case .start: verb = "starting"
            case .stop: verb = "stopping"
            case .remove: verb = "removing"
            case .wait: verb = "waiting on"
            case .kill: verb = "signalling"
            case .action: verb = "applying"
            }
            let subject = container.map { "container \($0)" } ?? action.resource.description
            let message = "\(verb) \(subject) failed: \(error)"
            emit(action, container: container, operation: operation, .failed(message), elapsed: clock.now - start)
            var logs: [String] = []
            if let container { logs = await driver.recentLogs(container: container, lines: options.logLines) }
            throw ActionFailure(
                resource: action.resource, container: container, operation: operation, message: message, logLines: logs)
        }
        emit(action, container: container, operation: operation, .done, elapsed: clock.now - start)
    }

    private func target(of action: Action) throws(ActionFailure) -> ServiceTarget {
        guard let target = plan.targets[action.resource.name] else {
            throw ActionFailure(
                resource: action.resource, operation: .action,
                message: "the plan has no configuration for this service; plan again from the stack files")
        }
        return target
    }

    private func emit(
        _ action: Action, container: String? = nil, operation: EngineEvent.Operation, _ state: EngineEvent.State,
        elapsed: Duration = .zero
    ) {
        onEvent(
            EngineEvent(
                resource: action.resource, change: action.change, container: container, operation: operation,
                state: state, elapsed: elapsed))
    }

    static func describe(_ outcome: WaitOutcome, _ condition: WaitCondition, _ timeout: Duration) -> String {
        switch outcome {
        case .satisfied: return "is \(condition)"
        case .exited(let code): return "exited with code \(code)"
        case .unhealthy(let output): return "is unhealthy: \(output)"
        case .noHealthcheck:
            return "has no healthcheck, so it can never be healthy; add one or use condition: service_started"
        case .timedOut: return "did not become \(condition) within \(timeout)"
        }
    }
}
