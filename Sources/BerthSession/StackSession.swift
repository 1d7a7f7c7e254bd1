import BerthEngine
import BerthModel
import BerthPlan

/// The application layer for one stack: every stack command is a use case here, each
/// owning the whole sequence (lock → images → observe → plan → preflight → apply → daemon
/// sync) so the CLI only parses arguments and renders what the session reports.
public struct StackSession: Sendable {
    public let topology: Topology
    public let host: any StackHost
    public let observer: any StackObserver

    public init(topology: Topology, host: any StackHost, observer: any StackObserver = SilentObserver()) {
        self.topology = topology
        self.host = host
        self.observer = observer
    }

    public var project: String { topology.name.rawValue }

    /// The project's writer lock, telling the observer when another command holds it.
    func lock() throws -> AnyObject {
        let project = self.project
        let observer = self.observer
        return try host.lock(project: project) { observer.receive(.waitingForLock(project: project)) }
    }

    func desired(_ connection: StackConnection) -> DesiredState {
        DesiredState(topology: topology, imageDigests: connection.imageDigests)
    }

    /// Runs `plan` through the engine, reporting every step (each failure once) to the
    /// observer and the project's event log, then brings the network daemon in line.
    /// Failed steps become one `StackError.applyFailed` after the daemon is synced.
    @discardableResult
    func apply(
        _ plan: Plan, driver: any StackDriver, stopTimeout: Swift.Duration = .seconds(10),
        waitTimeout: Swift.Duration = .seconds(120)
    ) async throws -> ApplyReport {
        let log = EventLog(root: host.root, project: project)
        let observer = self.observer
        let failures = FailureDeduplicator()
        let engine = Engine(
            driver: driver, options: EngineOptions(stopTimeout: stopTimeout, waitTimeout: waitTimeout))
        let report: ApplyReport
        do {
            report = try await engine.apply(plan) { event in
                if failures.shouldForward(event) { observer.receive(.progress(event)) }
                log.append(event)
            }
        } catch {
            observer.receive(.applyFinished)
            throw StackError.message("\(error)")
        }
        observer.receive(.applyFinished)
        await driver.syncDaemon()
        if !report.failures.isEmpty { throw StackError.applyFailed(report.failures.map(\.description)) }
        return report
    }
}
