import BerthEngine
import BerthPlan

/// `up`'s flags, as the session takes them.
public struct UpOptions: Sendable {
    public var services: [String] = []
    public var forceRecreate = false
    public var noRecreate = false
    public var noDeps = false
    public var removeOrphans = false
    public var scale: [String: Int] = [:]
    public var noStart = false
    /// Plan and report, change nothing (no lock, no pulls).
    public var dryRun = false
    /// `--pull`; nil follows each service's `pull_policy`.
    public var pull: ImagePullPolicy?
    public var stopTimeout: Swift.Duration = .seconds(10)
    public var waitTimeout: Swift.Duration = .seconds(120)
    /// `--wait`: return once every container runs, or is healthy when it has a healthcheck.
    public var wait = false

    public init() {}
}

/// What `up` did: the plan, and whether it was applied.
public struct UpResult: Sendable {
    public var plan: Plan
    public var applied: Bool
}

extension StackSession {
    /// `up`: brings the project to what the stack files say. The lock is released when this
    /// returns, so an attached `up` follows logs while other commands act on the stack.
    @discardableResult
    public func up(_ options: UpOptions) async throws -> UpResult {
        let lock = options.dryRun ? nil : try self.lock()
        defer { withExtendedLifetime(lock) {} }
        let connection = try await host.connect(
            topology, images: options.dryRun ? .resolveOnly : .ensure(options.pull), daemon: !options.dryRun)
        let driver = connection.driver
        let planOptions = PlanOptions(
            forceRecreate: options.forceRecreate, noRecreate: options.noRecreate, services: options.services,
            noDeps: options.noDeps, removeOrphans: options.removeOrphans, scale: options.scale,
            noStart: options.noStart)
        let plan = Planner.plan(
            desired: desired(connection), observed: try await driver.observe(), options: planOptions)
        if options.dryRun { return UpResult(plan: plan, applied: false) }
        try await driver.preflight(topology)
        try await apply(plan, driver: driver, stopTimeout: options.stopTimeout, waitTimeout: options.waitTimeout)
        if options.wait && !options.noStart {
            let waits = Planner.planLifecycle(
                .wait, project: project, observed: try await driver.observe(), services: options.services)
            try await apply(waits, driver: driver, stopTimeout: options.stopTimeout, waitTimeout: options.waitTimeout)
        }
        await driver.waitUntilPublished()
        return UpResult(plan: plan, applied: true)
    }

    /// `scale SERVICE=N…`: `up --no-deps --no-recreate --scale` for just those services.
    @discardableResult
    public func scale(_ replicas: [String: Int]) async throws -> Plan {
        let lock = try self.lock()
        defer { withExtendedLifetime(lock) {} }
        let connection = try await host.connect(topology, images: .ensure(nil), daemon: true)
        let driver = connection.driver
        let plan = Planner.plan(
            desired: desired(connection), observed: try await driver.observe(),
            options: PlanOptions(noRecreate: true, services: replicas.keys.sorted(), noDeps: true, scale: replicas))
        try await driver.preflight(topology)
        try await apply(plan, driver: driver)
        await driver.waitUntilPublished()
        return plan
    }

    /// `plan`: what `up` with these options would do, without a lock, pulls or changes.
    public func plan(
        services: [String] = [], forceRecreate: Bool = false, removeOrphans: Bool = false, scale: [String: Int] = [:]
    ) async throws -> Plan {
        let connection = try await host.connect(topology, images: .resolveOnly, daemon: false)
        let options = PlanOptions(
            forceRecreate: forceRecreate, services: services, removeOrphans: removeOrphans, scale: scale)
        return Planner.plan(
            desired: desired(connection), observed: try await connection.driver.observe(), options: options)
    }

    /// `down`: removes the project's containers and networks (and volumes with
    /// `removeVolumes`), dependents first.
    @discardableResult
    public func down(
        removeVolumes: Bool = false, removeOrphans: Bool = false, stopTimeout: Swift.Duration = .seconds(10)
    )
        async throws -> Plan
    {
        let lock = try self.lock()
        defer { withExtendedLifetime(lock) {} }
        let connection = try await host.connect(topology, images: .resolveOnly, daemon: true)
        let plan = Planner.planDown(
            project: project, observed: try await connection.driver.observe(), desired: desired(connection),
            options: PlanOptions(removeOrphans: removeOrphans, removeVolumes: removeVolumes))
        try await apply(plan, driver: connection.driver, stopTimeout: stopTimeout, waitTimeout: .seconds(60))
        return plan
    }
}
