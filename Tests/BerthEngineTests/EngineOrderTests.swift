import BerthEngine
import BerthPlan
import BerthTestSupport
import Testing

@Suite struct EngineOrderTests {
    @Test func upFromNothingCreatesInDependencyOrderAndConverges() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([
            Stack.service("web", dependsOn: [Dependency("api")]), Stack.service("api", dependsOn: [Dependency("db")]),
            Stack.service("db"),
        ])
        let events = EventLog()
        let report = try await Engine(driver: runtime).apply(
            try await Stack.plan(desired, on: runtime), onEvent: events.record)
        #expect(report.succeeded)
        #expect(report.completed == [0, 1, 2, 3])
        let ops = await runtime.operations
        #expect(ops.first == "create network demo_default")
        #expect(ops.position("start demo-db-1") < ops.position("create demo-api-1"))
        #expect(ops.position("start demo-api-1") < ops.position("create demo-web-1"))
        let again = try await Stack.plan(desired, on: runtime)
        #expect(!again.hasChanges)
        let actionEvents = events.all.filter { $0.operation == .action }
        #expect(actionEvents.filter { $0.state == .started }.count == 4)
        #expect(actionEvents.filter { $0.state == .done }.count == 4)
    }

    @Test func independentServicesRunInParallelUpToTheLimit() async throws {
        let runtime = SimulatedRuntime()
        await runtime.holdCreates(until: 4)
        let desired = Stack.desired((1...8).map { Stack.service("s\($0)") })
        let report = try await Engine(driver: runtime, options: EngineOptions(maxConcurrency: 4))
            .apply(try await Stack.plan(desired, on: runtime))
        #expect(report.succeeded)
        #expect(await runtime.peakConcurrency == 4)
        #expect(try await runtime.observe().containers.count == 8)
    }

    @Test func concurrencyOfOneRunsOneStepAtATime() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired((1...6).map { Stack.service("s\($0)") })
        let report = try await Engine(driver: runtime, options: EngineOptions(maxConcurrency: 1))
            .apply(try await Stack.plan(desired, on: runtime))
        #expect(report.succeeded)
        #expect(await runtime.peakConcurrency == 1)
    }

    @Test func aPlanWithProblemsIsRefusedBeforeAnythingHappens() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Stack.service("web", dependsOn: [Dependency("db")])])
        await #expect(throws: PlanNotApplicable.self) {
            try await Engine(driver: runtime).apply(try await Stack.plan(desired, on: runtime))
        }
        #expect(await runtime.operations.isEmpty)
    }

    @Test func aFailureHalfwayKeepsEarlierStepsAndThePlanAfterItContinues() async throws {
        let runtime = SimulatedRuntime(rules: [
            .init(
                service: "api", behavior: .failsToStart("exec: \"/srv/api\": no such file"), logs: ["booting", "crash"])
        ])
        let desired = Stack.desired([
            Stack.service("db"), Stack.service("api", dependsOn: [Dependency("db")]),
            Stack.service("web", dependsOn: [Dependency("api")]),
        ])
        let events = EventLog()
        let first = try await Engine(driver: runtime).apply(
            try await Stack.plan(desired, on: runtime), onEvent: events.record)
        #expect(!first.succeeded)
        #expect(first.completed == [0, 1])
        #expect(first.skipped == [3])
        let failure = try #require(first.failures.first)
        #expect(failure.resource == .service("api"))
        #expect(failure.container == "demo-api-1")
        #expect(failure.message == "starting container demo-api-1 failed: exec: \"/srv/api\": no such file")
        #expect(failure.logLines == ["booting", "crash"])
        #expect(
            events.all.contains {
                $0.resource == .service("web") && $0.state == .skipped("waits on service api, which failed")
            })

        await runtime.setRules([])
        let second = try await Stack.plan(desired, on: runtime)
        #expect(
            second.steps == ["noop network demo_default", "noop service db", "start service api", "create service web"])
        #expect(try await Engine(driver: runtime).apply(second).succeeded)
        #expect(!(try await Stack.plan(desired, on: runtime)).hasChanges)
    }

    @Test func aReplacedNetworkIsRemovedOnlyAfterItsContainersAndRecreatedBeforeNewOnes() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Stack.service("db"), Stack.service("web", dependsOn: [Dependency("db")])])
        try await Stack.up(desired, on: runtime)
        var changed = desired
        changed.networks[0].definition = Definition(["ipam.config[0].subnet": "10.89.7.0/24"])
        let plan = try await Stack.plan(changed, on: runtime)
        #expect(plan.steps == ["recreate network demo_default", "recreate service db", "recreate service web"])
        let report = try await Engine(driver: runtime).apply(plan)
        #expect(report.succeeded, "\(report.failures)")
        let ops = await runtime.operations
        let removeNetwork = ops.position("remove network demo_default")
        #expect(ops.lastIndex(of: "remove demo-web-1") ?? Int.max < removeNetwork)
        #expect(ops.lastIndex(of: "remove demo-db-1") ?? Int.max < removeNetwork)
        #expect(ops.lastIndex(of: "remove demo-web-1") ?? Int.max < ops.lastIndex(of: "stop demo-db-1") ?? -1)
        #expect(ops.position("create network demo_default") < ops.lastIndex(of: "create demo-db-1") ?? -1)
        #expect(!(try await Stack.plan(changed, on: runtime)).hasChanges)
    }

    @Test func downRemovesEverythingDependentsFirst() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Stack.service("db"), Stack.service("web", dependsOn: [Dependency("db")])])
        try await Stack.up(desired, on: runtime)
        let plan = Planner.planDown(project: "demo", observed: try await runtime.observe(), options: PlanOptions())
        let report = try await Engine(driver: runtime).apply(plan)
        #expect(report.succeeded)
        let ops = await runtime.operations
        #expect(ops.position("remove demo-web-1") < ops.position("stop demo-db-1"))
        #expect(try await runtime.observe() == ObservedState())
    }

    @Test func aDeletedVolumeDirectoryIsRecreatedWithTheContainersUsingIt() async throws {
        let runtime = SimulatedRuntime()
        var db = Stack.service("db")
        db.volumes = ["demo_data"]
        var desired = Stack.desired([db, Stack.service("web")])
        desired.volumes = [DesiredVolume(name: "demo_data")]
        try await Stack.up(desired, on: runtime)
        var observed = try await runtime.observe()
        observed.volumes[0].present = false
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(
            plan.steps == [
                "noop network demo_default", "recreate volume demo_data", "recreate service db", "noop service web",
            ])
        #expect(try await Engine(driver: runtime).apply(plan).succeeded)
        let ops = await runtime.operations
        #expect(ops.lastIndex(of: "remove demo-db-1") ?? Int.max < ops.position("remove volume demo_data"))
        #expect(ops.position("create volume demo_data") < ops.lastIndex(of: "create demo-db-1") ?? -1)
    }

    @Test func scalingDownThroughTheEngineRemovesTheHighestReplicasFirst() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Stack.service("web", replicas: 3)])
        try await Stack.up(desired, on: runtime)
        let plan = try await Stack.plan(desired, on: runtime, options: PlanOptions(scale: ["web": 1]))
        #expect(try await Engine(driver: runtime).apply(plan).succeeded)
        let removals = await runtime.operations.filter { $0.hasPrefix("remove ") }
        #expect(removals == ["remove demo-web-3", "remove demo-web-2"])
        #expect(try await runtime.observe().containers.map(\.name) == ["demo-web-1"])
    }
}
