import BerthEngine
import BerthPlan
import BerthTestSupport
import Synchronization

/// Collects engine events from any task.
final class EventLog: Sendable {
    private let events = Mutex<[EngineEvent]>([])

    var all: [EngineEvent] { events.withLock { $0 } }

    var record: @Sendable (EngineEvent) -> Void {
        { event in self.events.withLock { $0.append(event) } }
    }
}

enum Stack {
    static let project = "demo"

    static func service(
        _ name: String, image: String = "app:1", replicas: Int = 1, dependsOn: [Dependency] = [],
        networks: [String] = ["demo_default"], order: UpdateOrder = .stopFirst, failureAction: FailureAction = .pause,
        healthcheck: Bool = false
    ) -> DesiredService {
        DesiredService(
            name: name, replicas: replicas, dependsOn: dependsOn, networks: networks, updateOrder: order,
            failureAction: failureAction, hasHealthcheck: healthcheck, definition: Definition(["image": image]))
    }

    static func desired(_ services: [DesiredService], networks: [String] = ["demo_default"]) -> DesiredState {
        DesiredState(project: project, services: services, networks: networks.map { DesiredNetwork(name: $0) })
    }

    /// Plans against what the runtime reports now, as `berth up` does.
    static func plan(
        _ desired: DesiredState, on runtime: SimulatedRuntime, options: PlanOptions = PlanOptions()
    ) async throws -> Plan {
        Planner.plan(desired: desired, observed: try await runtime.observe(), options: options)
    }

    /// Brings `desired` up on `runtime` and checks that it converged.
    static func up(_ desired: DesiredState, on runtime: SimulatedRuntime) async throws {
        let report = try await Engine(driver: runtime).apply(try await plan(desired, on: runtime))
        precondition(report.succeeded, "setup failed: \(report.failures)")
    }
}

extension Array where Element == String {
    /// Position of `item`, or Int.max so ordering expectations fail loudly when it is missing.
    func position(_ item: String) -> Int { firstIndex(of: item) ?? Int.max }
}

extension Plan {
    /// `change resource` per action.
    var steps: [String] { actions.map { "\($0.change.rawValue) \($0.resource)" } }
}
