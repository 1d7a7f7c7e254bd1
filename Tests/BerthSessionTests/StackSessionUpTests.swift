import BerthEngine
import BerthPlan
import BerthSession
import BerthTestSupport
import Testing

/// `up`, `scale` and `down` as the session runs them: the whole sequence, in order.
@Suite struct StackSessionUpTests {
    @Test func upFromNothingCreatesTheStackUnderTheLockThenSyncsTheDaemon() async throws {
        let harness = try Harness(webAndDatabase)
        let result = try await harness.session.up(UpOptions())
        #expect(result.applied)
        #expect(try await harness.states() == ["app-db-1": .running, "app-web-1": .running])
        #expect(harness.host.log == ["lock app", "connect", "preflight", "sync daemon", "wait published"])
        let operations = await harness.operations
        let startDB = try #require(operations.firstIndex(of: "start app-db-1"))
        let createWeb = try #require(operations.firstIndex(of: "create app-web-1"))
        #expect(startDB < createWeb, "web waits for db: \(operations)")
        #expect(harness.observer.progress.contains { $0.container == "app-web-1" && $0.operation == .start })
    }

    @Test func aSecondUpChangesNothing() async throws {
        let harness = try Harness(webAndDatabase)
        try await harness.session.up(UpOptions())
        let before = await harness.operations
        let second = try await harness.session.up(UpOptions())
        #expect(!second.plan.hasChanges)
        let after = await harness.operations
        #expect(after.count == before.count, "new driver calls: \(after.dropFirst(before.count))")
    }

    @Test func aDryRunTakesNoLockAndChangesNothing() async throws {
        let harness = try Harness(webAndDatabase)
        var options = UpOptions()
        options.dryRun = true
        let result = try await harness.session.up(options)
        #expect(!result.applied && result.plan.hasChanges)
        #expect(harness.host.log == ["connect"])
        #expect(await harness.operations.isEmpty)
    }

    @Test func aRefusedPreflightCreatesNothing() async throws {
        let harness = try Harness(webAndDatabase, refusePreflight: "service web: ports[0]: address in use")
        await #expect(throws: StackError.self) { try await harness.session.up(UpOptions()) }
        #expect(await harness.operations.isEmpty)
        #expect(!harness.host.log.contains("sync daemon"))
    }

    @Test func scaleChangesOnlyTheNamedServiceAndKeepsItsDependencies() async throws {
        let harness = try Harness(webAndDatabase)
        try await harness.session.up(UpOptions())
        try await harness.session.scale(["web": 3])
        #expect(try await harness.states().keys.sorted() == ["app-db-1", "app-web-1", "app-web-2", "app-web-3"])
        try await harness.session.scale(["web": 1])
        #expect(try await harness.states().keys.sorted() == ["app-db-1", "app-web-1"])
    }

    @Test func downRemovesContainersDependentsFirstAndTheNetwork() async throws {
        let harness = try Harness(webAndDatabase)
        try await harness.session.up(UpOptions())
        try await harness.session.down()
        let observed = try await harness.host.runtime.observe()
        #expect(observed.containers.isEmpty && observed.networks.isEmpty)
        let operations = await harness.operations
        let removeWeb = try #require(operations.firstIndex(of: "remove app-web-1"))
        let stopDB = try #require(operations.firstIndex(of: "stop app-db-1"))
        #expect(removeWeb < stopDB, "\(operations)")
    }

    @Test func waitUsesTheEnginesWaitsAndReportsAnUnhealthyContainerOnce() async throws {
        let yaml = """
            services:
              web:
                image: nginx:1
                healthcheck:
                  test: ["CMD", "true"]
            """
        let harness = try Harness(yaml, rules: [.init(service: "web", behavior: .unhealthy("503 from /health"))])
        var options = UpOptions()
        options.wait = true
        do {
            _ = try await harness.session.up(options)
            Issue.record("up --wait succeeded with an unhealthy container")
        } catch StackError.applyFailed(let failures) {
            #expect(failures.count == 1)
            #expect(failures.first?.contains("container app-web-1 is unhealthy: 503 from /health") == true)
        }
        #expect(harness.observer.failures.count == 1, "\(harness.observer.failures)")
        #expect(await harness.operations.contains("wait healthy app-web-1"))
    }

    @Test func aFailedStepIsReportedOnceNotAgainForItsAction() async throws {
        let harness = try Harness(
            webAndDatabase, rules: [.init(service: "db", behavior: .failsToStart("exec: postgres: not found"))])
        do {
            _ = try await harness.session.up(UpOptions())
            Issue.record("up succeeded although db cannot start")
        } catch StackError.applyFailed(let failures) {
            #expect(failures.count == 1, "\(failures)")
        }
        #expect(harness.observer.failures.count == 1, "\(harness.observer.failures)")
        #expect(harness.host.log.contains("sync daemon"), "the daemon serves what was created")
    }
}
