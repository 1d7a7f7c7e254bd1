import BerthEngine
import BerthPlan
import BerthTestSupport
import Testing

@Suite struct EngineRolloutTests {
    static func web(replicas: Int = 1, order: UpdateOrder = .startFirst, failureAction: FailureAction = .pause)
        -> DesiredService
    {
        Stack.service(
            "web", image: "web:1", replicas: replicas, order: order, failureAction: failureAction, healthcheck: true)
    }

    static func upgraded(_ desired: DesiredState) -> DesiredState {
        var next = desired
        next.services[0].definition = Definition(["image": "web:2"])
        return next
    }

    @Test func startFirstKeepsTheOldReplicaUntilTheNewOneIsHealthy() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Self.web()])
        try await Stack.up(desired, on: runtime)
        let plan = try await Stack.plan(Self.upgraded(desired), on: runtime)
        #expect(plan.actions[1].replicas == [Replica(1, container: "demo-web-1-next", previous: "demo-web-1")])
        #expect(try await Engine(driver: runtime).apply(plan).succeeded)
        let ops = await runtime.operations
        #expect(ops.position("start demo-web-1-next") < ops.position("wait healthy demo-web-1-next"))
        #expect(ops.position("wait healthy demo-web-1-next") < ops.lastIndex(of: "stop demo-web-1") ?? -1)
        let observed = try await runtime.observe()
        #expect(observed.containers.map(\.name) == ["demo-web-1-next"])
        #expect(observed.containers.first?.definition == Definition(["image": "web:2"]))
        #expect(!(try await Stack.plan(Self.upgraded(desired), on: runtime)).hasChanges)
    }

    @Test func aFailedHealthCheckPausesTheRolloutAndOldReplicasKeepServing() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Self.web(replicas: 2)])
        try await Stack.up(desired, on: runtime)
        await runtime.setRules([
            .init(
                service: "web", field: Definition.Field(path: "image", value: "web:2"),
                behavior: .unhealthy("curl: (7) connection refused"), logs: ["listening on :8081"])
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(Self.upgraded(desired), on: runtime))
        let failure = try #require(report.failures.first)
        #expect(
            failure.message
                == "rollout paused: new container demo-web-1-next is unhealthy: curl: (7) connection refused; "
                + "demo-web-1 keeps serving the previous version")
        #expect(failure.logLines == ["listening on :8081"])
        let observed = try await runtime.observe()
        #expect(observed.containers.map(\.name) == ["demo-web-1", "demo-web-2"])
        #expect(observed.containers.allSatisfy { $0.state == .running && $0.definition.value(at: "image") == "web:1" })
    }

    @Test func rollbackRemovesEveryNewReplica() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Self.web(failureAction: .rollback)])
        try await Stack.up(desired, on: runtime)
        await runtime.setRules([
            .init(service: "web", field: Definition.Field(path: "image", value: "web:2"), behavior: .exits(code: 1))
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(Self.upgraded(desired), on: runtime))
        #expect(
            report.failures.first?.message.hasPrefix("rolled back: new container demo-web-1-next exited with code 1")
                == true)
        let observed = try await runtime.observe()
        #expect(observed.containers.map(\.name) == ["demo-web-1"])
        #expect(observed.containers.first?.state == .running)
    }

    @Test func stopFirstRolloutStopsAtTheFirstUnhealthyReplica() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Self.web(replicas: 3, order: .stopFirst)])
        try await Stack.up(desired, on: runtime)
        await runtime.setRules([
            .init(service: "web", field: Definition.Field(path: "image", value: "web:2"), behavior: .unhealthy("500"))
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(Self.upgraded(desired), on: runtime))
        #expect(
            report.failures.first?.message.hasPrefix("rollout stopped: new container demo-web-1 is unhealthy") == true)
        let images = try await runtime.observe().containers.map {
            "\($0.name)=\($0.definition.value(at: "image") ?? "")"
        }
        #expect(images == ["demo-web-1=web:2", "demo-web-2=web:1", "demo-web-3=web:1"])
    }

    @Test func failureActionContinueFinishesTheRolloutWithWarnings() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Self.web(replicas: 2, failureAction: .continue)])
        try await Stack.up(desired, on: runtime)
        await runtime.setRules([
            .init(service: "web", field: Definition.Field(path: "image", value: "web:2"), behavior: .unhealthy("500"))
        ])
        let events = EventLog()
        let report = try await Engine(driver: runtime).apply(
            try await Stack.plan(Self.upgraded(desired), on: runtime), onEvent: events.record)
        #expect(report.succeeded)
        #expect(events.all.filter { if case .warning = $0.state { true } else { false } }.count == 2)
        #expect(try await runtime.observe().containers.map(\.name) == ["demo-web-1-next", "demo-web-2-next"])
    }

    @Test func rollbackAfterSomeReplicasWereReplacedPutsEveryReplicaBackOnTheOldVersion() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Self.web(replicas: 3, failureAction: .rollback)])
        try await Stack.up(desired, on: runtime)
        await runtime.setRules([
            .init(service: "web", container: "demo-web-2-next", behavior: .unhealthy("HTTP 503"))
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(Self.upgraded(desired), on: runtime))
        #expect(report.failures.first?.container == "demo-web-2-next")
        let observed = try await runtime.observe()
        #expect(observed.containers.map(\.name) == ["demo-web-1", "demo-web-2", "demo-web-3"])
        #expect(observed.containers.allSatisfy { $0.state == .running && $0.definition.value(at: "image") == "web:1" })
        let ops = await runtime.operations
        #expect(!ops.contains("create demo-web-3-next"))
        #expect(ops.contains("remove demo-web-1-next"))
    }

    @Test func pauseKeepsTheReplicasAlreadyUpdated() async throws {
        let runtime = SimulatedRuntime()
        let desired = Stack.desired([Self.web(replicas: 3)])
        try await Stack.up(desired, on: runtime)
        await runtime.setRules([
            .init(service: "web", container: "demo-web-2-next", behavior: .unhealthy("HTTP 503"))
        ])
        let report = try await Engine(driver: runtime).apply(try await Stack.plan(Self.upgraded(desired), on: runtime))
        #expect(report.failures.first?.container == "demo-web-2-next")
        let images = try await runtime.observe().containers.map {
            "\($0.name)=\($0.definition.value(at: "image") ?? "")"
        }
        #expect(images == ["demo-web-1-next=web:2", "demo-web-2=web:1", "demo-web-3=web:1"])
        let resumed = try await Stack.plan(Self.upgraded(desired), on: runtime)
        #expect(resumed.actions[1].replicas.map(\.number) == [2, 3])
    }
}
