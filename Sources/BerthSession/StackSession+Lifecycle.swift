import BerthEngine
import BerthPlan

extension StackSession {
    /// `start`: starts the containers of `services` (all when empty) that are not running,
    /// dependencies first.
    @discardableResult
    public func start(_ services: [String] = []) async throws -> Plan {
        try await lifecycle(.start, services)
    }

    /// `stop`: stops running containers, dependents first, killing them after `timeout`.
    @discardableResult
    public func stop(_ services: [String] = [], timeout: Swift.Duration = .seconds(10)) async throws -> Plan {
        try await lifecycle(.stop, services, timeout: timeout)
    }

    /// `restart`: stops and starts every container of `services`, dependencies first.
    @discardableResult
    public func restart(_ services: [String] = [], timeout: Swift.Duration = .seconds(10)) async throws -> Plan {
        try await lifecycle(.restart, services, timeout: timeout)
    }

    /// `kill`: sends `signal` to the running containers; their restart policy decides what
    /// happens next, as with docker compose.
    @discardableResult
    public func kill(_ services: [String] = [], signal: Int32) async throws -> Plan {
        try await lifecycle(.kill(signal: signal), services)
    }

    /// `rm`: removes stopped containers; running ones are kept (`Plan.keptRunning`) unless
    /// `stopFirst`.
    @discardableResult
    public func remove(_ services: [String] = [], stopFirst: Bool, timeout: Swift.Duration = .seconds(10)) async throws
        -> Plan
    {
        try await lifecycle(.remove(stopRunning: stopFirst), services, timeout: timeout)
    }

    /// A lifecycle plan over the recorded containers, under the lock; a service named
    /// without containers is an error that says so.
    func lifecycle(_ operation: LifecycleOperation, _ services: [String], timeout: Swift.Duration = .seconds(10))
        async throws -> Plan
    {
        let lock = try self.lock()
        defer { withExtendedLifetime(lock) {} }
        let connection = try await host.connect(topology, images: .none, daemon: true)
        let observed = try await connection.driver.observe()
        if let unknown = services.first(where: { name in !observed.containers.contains { $0.service == name } }) {
            throw StackError.message("service \(unknown) has no containers in project \(project)")
        }
        let plan = Planner.planLifecycle(operation, project: project, observed: observed, services: services)
        try await apply(plan, driver: connection.driver, stopTimeout: timeout)
        return plan
    }
}
