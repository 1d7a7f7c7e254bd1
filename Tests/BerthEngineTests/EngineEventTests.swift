import BerthEngine
import BerthPlan
import BerthTestSupport
import Testing

@Suite struct EngineEventTests {
    @Test func eventsRenderAsJSONLinesWithElapsedMilliseconds() {
        let done = EngineEvent(
            resource: .service("web"), change: .create, container: "demo-web-1", operation: .start, state: .done,
            elapsed: .milliseconds(1234))
        #expect(EngineEvent.seconds(done.elapsed) == "1.2s")
        #expect(
            done.jsonLine
                == #"{"change":"create","container":"demo-web-1","elapsedMs":1234,"operation":"start","#
                + #""resource":"web","resourceKind":"service","state":"done"}"#)
        let failed = EngineEvent(
            resource: .network("demo_default"), change: .create, operation: .action, state: .failed("EEXIST \"x\""))
        #expect(failed.jsonLine.contains(#""message":"EEXIST \"x\"""#))
    }

    @Test func applyCanFeedAnAsyncStreamThatEndsWithTheRun() async throws {
        let runtime = SimulatedRuntime()
        let plan = try await Stack.plan(Stack.desired([Stack.service("web")]), on: runtime)
        let (stream, continuation) = AsyncStream.makeStream(of: EngineEvent.self)
        let engine = Engine(driver: runtime)
        async let report = engine.apply(plan, events: continuation)
        var lines: [String] = []
        for await event in stream where event.operation == .action {
            lines.append("\(event.resource) \(event.change.rawValue) \(event.state)")
        }
        #expect(try await report.succeeded)
        #expect(lines.count == 4)
        #expect(lines.first == "network demo_default create started")
    }
}
