import BerthEngine
import BerthPlan
import BerthTestSupport
import Testing

/// `down` and scale-down wait out grace periods: every container of a dependency level stops
/// at once, whatever the concurrency limit, so `down -t 2` takes about 2 s, not 2 s a container.
/// A service's new replicas are created side by side too.
@Suite struct EngineTeardownTests {
    @Test func downStopsIndependentServicesAtOnceBeyondTheConcurrencyLimit() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired((1...6).map { Stack.service("s\($0)") })
        try await Stack.up(desired, on: runtime)
        await runtime.holdStops(until: 6)
        let plan = Planner.planDown(
            project: Stack.project, observed: try await runtime.observe(), desired: desired, options: PlanOptions())
        let report = try await Engine(driver: runtime, options: EngineOptions(maxConcurrency: 2)).apply(plan)
        #expect(report.succeeded)
        #expect(await runtime.peakConcurrency >= 6)
        #expect(try await runtime.observe().containers.isEmpty)
    }

    @Test func downStopsTheReplicasOfOneServiceTogether() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Stack.service("web", replicas: 4)])
        try await Stack.up(desired, on: runtime)
        await runtime.holdStops(until: 4)
        let plan = Planner.planDown(
            project: Stack.project, observed: try await runtime.observe(), desired: desired, options: PlanOptions())
        let report = try await Engine(driver: runtime, options: EngineOptions(maxConcurrency: 1)).apply(plan)
        #expect(report.succeeded)
        #expect(await runtime.peakConcurrency >= 4)
        #expect(try await runtime.observe().containers.isEmpty)
    }

    @Test func theReplicasOfANewServiceAreCreatedSideBySide() async throws {
        let runtime = SimulatedRuntime()
        await runtime.holdCreates(until: 3)
        let desired = Stack.desired([Stack.service("web", replicas: 3)])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(desired, on: runtime))
        #expect(report.succeeded)
        #expect(await runtime.peakConcurrency >= 3)
        #expect(try await runtime.observe().containers.count == 3)
    }

    @Test func downStillStopsDependentsBeforeWhatTheyDependOn() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([
            Stack.service("web", dependsOn: [Dependency("db")]), Stack.service("db"),
        ])
        try await Stack.up(desired, on: runtime)
        let plan = Planner.planDown(
            project: Stack.project, observed: try await runtime.observe(), desired: desired, options: PlanOptions())
        let report = try await Engine(driver: runtime).apply(plan)
        #expect(report.succeeded)
        let ops = await runtime.operations
        #expect(ops.position("remove demo-web-1") < ops.position("stop demo-db-1"))
    }
}
