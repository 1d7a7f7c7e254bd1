import Foundation
import Testing

@testable import BerthStackFile

#if canImport(Glibc)
    import Glibc
#endif

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
        text += "  base:\n    image: base\n    env_file: common.env\n    cap_add: [NET_ADMIN]\n"
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
                    extends: base

                """
        }
        try f.write("compose.yaml", text)
        try f.write("common.env", "A=1\nB=2\n")
        try f.write("compose.override.yaml", "services:\n  svc1:\n    environment: {EXTRA: \"1\"}\n")
        // CPU time, not wall time: the build machine is shared and wall time mostly measures the neighbours.
        func cpuSeconds() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let parseStarted = cpuSeconds()
        _ = try YAMLReader.parse(text, file: "compose.yaml")
        print("PERF: YAMLReader.parse alone: \(cpuSeconds() - parseStarted) s CPU")
        let started = cpuSeconds()
        let wall = ContinuousClock.now
        let stack = try f.load(f.options(environment: ["HOME": "/root"]))
        print(
            "PERF: StackLoader.load of \(stack.root["services"]?.mapping?.count ?? 0) services: "
                + "\(cpuSeconds() - started) s CPU, \(ContinuousClock.now - wall) wall")
        #expect(stack.root["services"]?.mapping?.count == 5_001)
    }
}
