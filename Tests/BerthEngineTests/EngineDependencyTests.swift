import BerthEngine
import BerthPlan
import BerthTestSupport
import Testing

@Suite struct EngineDependencyTests {
    @Test func serviceHealthyWaitsForTheDependencyToBeHealthy() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([
            Stack.service("db", healthcheck: true),
            Stack.service("web", dependsOn: [Dependency("db", condition: .healthy)]),
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(desired, on: runtime))
        #expect(report.succeeded)
        let ops = await runtime.operations
        #expect(ops.position("start demo-db-1") < ops.position("wait healthy demo-db-1"))
        #expect(ops.position("wait healthy demo-db-1") < ops.position("create demo-web-1"))
    }

    @Test func serviceHealthyFailsWithTheDependencysLastHealthOutput() async throws {
        let runtime = SimulatedRuntime(rules: [
            .init(service: "db", behavior: .unhealthy("pg_isready: no response"), logs: ["FATAL: bad config"])
        ])
        let desired = Stack.desired([
            Stack.service("db", healthcheck: true),
            Stack.service("web", dependsOn: [Dependency("db", condition: .healthy)]),
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(desired, on: runtime))
        let failure = try #require(report.failures.first)
        #expect(failure.resource == .service("web"))
        #expect(
            failure.message
                == "dependency db (container demo-db-1) is unhealthy: pg_isready: no response; web was not started")
        #expect(failure.logLines == ["FATAL: bad config"])
        let names = try await runtime.observe().containers.map(\.name)
        #expect(names == ["demo-db-1"])
    }

    @Test func serviceHealthyOnADependencyWithoutHealthcheckSaysWhatToDo() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([
            Stack.service("db"), Stack.service("web", dependsOn: [Dependency("db", condition: .healthy)]),
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(desired, on: runtime))
        #expect(report.failures.first?.message.contains("has no healthcheck") == true)
    }

    @Test func healthWaitsGiveUpAtTheDeadline() async throws {
        let runtime = SimulatedRuntime(rules: [.init(service: "db", behavior: .neverHealthy)])
        let desired = Stack.desired([
            Stack.service("db", healthcheck: true),
            Stack.service("web", dependsOn: [Dependency("db", condition: .healthy)]),
        ])
        let engine = Engine(driver: runtime, options: EngineOptions(waitTimeout: .milliseconds(50)))
        let report = try await engine.apply(try await Stack.plan(desired, on: runtime))
        #expect(report.failures.first?.message.contains("did not become healthy within") == true)
    }

    @Test func completedSuccessfullyRunsTheOneShotJobFirst() async throws {
        let runtime = SimulatedRuntime(rules: [.init(service: "migrate", behavior: .exits(code: 0))])
        let desired = Stack.desired([
            Stack.service("migrate"),
            Stack.service("app", dependsOn: [Dependency("migrate", condition: .completedSuccessfully)]),
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(desired, on: runtime))
        #expect(report.succeeded)
        let ops = await runtime.operations
        #expect(ops.position("wait completed successfully demo-migrate-1") < ops.position("create demo-app-1"))
    }

    @Test func completedSuccessfullyFailsWhenTheJobExitsNonZero() async throws {
        let runtime = SimulatedRuntime(rules: [
            .init(service: "migrate", behavior: .exits(code: 3), logs: ["migration 0042 failed"])
        ])
        let desired = Stack.desired([
            Stack.service("migrate"),
            Stack.service("app", dependsOn: [Dependency("migrate", condition: .completedSuccessfully)]),
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(desired, on: runtime))
        let failure = try #require(report.failures.first)
        #expect(
            failure.message == "dependency migrate (container demo-migrate-1) exited with code 3; app was not started")
        #expect(failure.logLines == ["migration 0042 failed"])
    }

    @Test func anOptionalDependencyThatIsNotDefinedDoesNotBlock() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Stack.service("web", dependsOn: [Dependency("cache", required: false)])])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(desired, on: runtime))
        #expect(report.succeeded)
    }

    @Test func anOptionalDependencyThatFailsOnlyWarns() async throws {
        let runtime = SimulatedRuntime(rules: [.init(service: "cache", behavior: .failsToStart("no memory"))])
        let desired = Stack.desired([
            Stack.service("cache"), Stack.service("web", dependsOn: [Dependency("cache", required: false)]),
        ])
        let events = EventLog()
        let report = try await Engine(driver: runtime).apply(
            try await Stack.plan(desired, on: runtime), onEvent: events.record)
        #expect(report.failures.map(\.resource) == [.service("cache")])
        #expect(report.skipped.isEmpty)
        #expect(report.completed.contains(2))
        #expect(
            events.all.contains {
                $0.resource == .service("web")
                    && $0.state == .warning("optional dependency cache failed; starting without it")
            })
    }

    @Test func restartTrueDependentsAreRestartedAfterTheDependencyIsRecreated() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([
            Stack.service("db", image: "db:1"), Stack.service("api", dependsOn: [Dependency("db", restart: true)]),
        ])
        try await Stack.up(desired, on: runtime)
        var changed = desired
        changed.services[0].definition = Definition(["image": "db:2"])
        let plan = try await Stack.plan(changed, on: runtime)
        #expect(plan.steps == ["noop network demo_default", "recreate service db", "restart service api"])
        #expect(try await Engine(driver: runtime).apply(plan).succeeded)
        let ops = await runtime.operations
        #expect(ops.lastIndex(of: "start demo-db-1") ?? Int.max < ops.lastIndex(of: "stop demo-api-1") ?? -1)
        #expect(ops.lastIndex(of: "stop demo-api-1") ?? Int.max < ops.lastIndex(of: "start demo-api-1") ?? -1)
    }
}
