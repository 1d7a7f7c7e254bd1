import Foundation
import Testing

@testable import BerthStackFile

/// A by-hand sanity check, not a timed assertion: run with
/// `BERTH_PERF=1 swift test -c release -Xswiftc -enable-testing --filter PerformanceCheck`
/// and read the printed time.
@Suite struct PerformanceCheck {
    @Test(
        "loading 5,000 services (by hand, BERTH_PERF=1)",
        .enabled(if: ProcessInfo.processInfo.environment["BERTH_PERF"] != nil))
    func fiveThousandServices() throws {
        let f = try Fixture()
        defer { f.remove() }
        var text = "x-common: &common\n  restart: unless-stopped\n  labels: {team: perf}\nservices:\n"
        for i in 0..<5_000 {
            text += """
                  svc\(i):
                    <<: *common
                    image: "registry.local/app:${TAG:-latest}"
                    command: ["serve", "--port", "\(8000 + i % 1000)"]
                    environment:
                      - INDEX=\(i)
                      - HOME_DIR=$HOME/app
                    ports: ["\(10000 + i):80"]
                    volumes: ["./data/\(i):/data", "cache:/cache"]
                    depends_on: [svc\(max(0, i - 1))]
                    networks: [front, back]

                """
        }
        try f.write("compose.yaml", text)
        try f.write("compose.override.yaml", "services:\n  svc1:\n    environment: {EXTRA: \"1\"}\n")
        let parseStarted = ContinuousClock.now
        _ = try YAMLReader.parse(text, file: "compose.yaml")
        print("PERF: YAMLReader.parse alone took \(ContinuousClock.now - parseStarted)")
        let started = ContinuousClock.now
        let stack = try f.load(f.options(environment: ["HOME": "/root"]))
        let elapsed = ContinuousClock.now - started
        print("PERF: loaded \(stack.root["services"]?.mapping?.count ?? 0) services in \(elapsed)")
        #expect(stack.root["services"]?.mapping?.count == 5_000)
    }
}
