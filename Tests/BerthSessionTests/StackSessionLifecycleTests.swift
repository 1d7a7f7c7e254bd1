import BerthEngine
import BerthPlan
import BerthSession
import BerthTestSupport
import Testing

/// `stop`, `start`, `restart`, `kill`, `rm` and an attached `up`'s abort as plans the engine
/// applies: dependency order, events, one lock.
@Suite struct StackSessionLifecycleTests {
    func running() async throws -> Harness {
        let harness = try Harness(webAndDatabase)
        try await harness.session.up(UpOptions())
        return harness
    }

    func newOperations(_ harness: Harness, _ body: () async throws -> Void) async throws -> [String] {
        let before = await harness.operations.count
        try await body()
        return Array(await harness.operations.dropFirst(before))
    }

    @Test func stopStopsDependentsFirstAndReportsEachStep() async throws {
        let harness = try await running()
        let operations = try await newOperations(harness) { try await harness.session.stop() }
        #expect(operations == ["stop app-web-1", "stop app-db-1"])
        #expect(try await harness.states().values.allSatisfy { $0 == .stopped })
        let stops = harness.observer.progress.filter {
            $0.change == .stop && $0.operation == .stop && $0.state == .done
        }
        #expect(stops.compactMap(\.container).sorted() == ["app-db-1", "app-web-1"])
        #expect(harness.host.log.suffix(3) == ["lock app", "connect", "sync daemon"])
    }

    @Test func startStartsWhatIsStoppedDependenciesFirstAndLeavesRunningOnesAlone() async throws {
        let harness = try await running()
        try await harness.session.stop(["db"])
        let operations = try await newOperations(harness) { try await harness.session.start() }
        #expect(operations == ["start app-db-1"])
        try await harness.session.stop()
        let both = try await newOperations(harness) { try await harness.session.start() }
        #expect(both == ["start app-db-1", "start app-web-1"])
    }

    @Test func restartStopsAndStartsEachContainerDependenciesFirst() async throws {
        let harness = try await running()
        let operations = try await newOperations(harness) { try await harness.session.restart() }
        #expect(operations == ["stop app-db-1", "start app-db-1", "stop app-web-1", "start app-web-1"])
        #expect(try await harness.states().values.allSatisfy { $0 == .running })
    }

    @Test func killSignalsOnlyRunningContainers() async throws {
        let harness = try await running()
        try await harness.session.stop(["web"])
        let operations = try await newOperations(harness) { try await harness.session.kill(signal: 15) }
        #expect(operations == ["kill app-db-1 15"])
        #expect(harness.observer.progress.contains { $0.operation == .kill && $0.state == .done })
    }

    @Test func rmKeepsRunningContainersUnlessAskedToStopThem() async throws {
        let harness = try await running()
        try await harness.session.stop(["web"])
        let plan = try await harness.session.remove(stopFirst: false)
        #expect(plan.keptRunning == ["app-db-1"])
        #expect(try await harness.states().keys.sorted() == ["app-db-1"])
        try await harness.session.remove(stopFirst: true)
        #expect(try await harness.states().isEmpty)
    }

    @Test func aServiceWithoutContainersIsNamed() async throws {
        let harness = try await running()
        await #expect {
            try await harness.session.stop(["cache"])
        } throws: { error in
            "\(error)" == "service cache has no containers in project app"
        }
    }

    @Test func abortOnExitStopsTheOthersWithAStopPlanAndReturnsTheJobsCode() async throws {
        let yaml = """
            services:
              job:
                image: busybox:1
              server:
                image: busybox:1
            """
        let harness = try Harness(yaml, rules: [.init(service: "job", behavior: .exits(code: 3))])
        try await harness.session.up(UpOptions())
        var follow = LogFollowOptions()
        follow.follow = true
        var attach = AttachOptions()
        attach.abortOnExit = true
        attach.exitCodeFrom = "job"
        let code = try await harness.session.followLogs(follow, attach: attach) { _, _, _ in }
        #expect(code == 3)
        #expect(try await harness.states()["app-server-1"] == .stopped)
        #expect(harness.observer.notices == ["Aborting on container exit..."])
        #expect(harness.observer.progress.contains { $0.container == "app-server-1" && $0.change == .stop })
    }

    @Test func interruptingAnAttachedUpStopsTheStack() async throws {
        let harness = try await running()
        var follow = LogFollowOptions()
        follow.follow = true
        let code = try await harness.session.followLogs(follow, attach: AttachOptions(), interrupted: { true }) {
            _, _, _ in
        }
        #expect(code == nil)
        #expect(try await harness.states().values.allSatisfy { $0 == .stopped })
        #expect(harness.observer.notices == ["Gracefully stopping... (press Ctrl+C again to force)"])
    }
}
