import BerthEngine
import BerthPlan
import Testing

@testable import BerthCLI

@Suite struct ProgressTests {
    let web = Resource(.service, "web")

    @Test func autoIsPlainWhenStandardErrorIsNotATerminal() {
        // Under `swift test` stderr is a pipe or file, as in CI.
        #expect(ProgressPrinter(format: .auto).format == .plain)
        #expect(ProgressPrinter(format: .json).format == .json)
    }

    @Test func liveLinesFollowEachContainerStep() throws {
        let creating = EngineEvent(
            resource: web, change: .create, container: "app-web-1", operation: .create, state: .started)
        let started = EngineEvent(
            resource: web, change: .create, container: "app-web-1", operation: .start, state: .done,
            elapsed: .milliseconds(300))
        let failed = EngineEvent(
            resource: web, change: .create, container: "app-web-1", operation: .wait, state: .failed("unhealthy"))
        let first = try #require(LiveProgress.describe(creating))
        #expect(first.0 == "Container app-web-1" && first.1 == "Creating" && !first.2)
        let second = try #require(LiveProgress.describe(started))
        #expect(second.1 == "Started" && second.2)
        let third = try #require(LiveProgress.describe(failed))
        #expect(third.1 == "Error: unhealthy" && third.3)
    }

    @Test func engineBookkeepingIsNotALine() {
        let action = EngineEvent(resource: web, change: .create, operation: .action, state: .started)
        #expect(LiveProgress.describe(action) == nil)
        #expect(EngineEvent.seconds(.milliseconds(1250)) == "1.2s")
    }

    @Test func aKillStepSaysWhichSignalWasSent() {
        let killed = EngineEvent(
            resource: web, change: .kill, container: "app-web-1", operation: .kill, state: .done,
            elapsed: .milliseconds(40))
        #expect(
            ProgressPrinter.line(killed, killVerb: "Killed (SIGTERM)") == "Container app-web-1  Killed (SIGTERM)  0.0s")
        #expect(LiveProgress.describe(killed)?.1 == "Killed")
    }
}
