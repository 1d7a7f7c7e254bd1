import BerthDiagnostics
import BerthStackFile
import Foundation
import Testing

@testable import BerthModel

struct PerformanceTests {
    /// 5,000 services with ports, volumes, dependencies, networks and healthchecks.
    static func largeStack(_ count: Int) -> String {
        var yaml = "services:\n"
        for i in 0..<count {
            yaml += """
                  s\(i):
                    image: registry.local/app:\(i)
                    command: ["serve", "--port", "80"]
                    environment: {INDEX: "\(i)", MODE: prod}
                    ports: ["\(10000 + i):80"]
                    volumes: ["data\(i % 50):/data", "./conf/\(i):/etc/app:ro"]
                    networks: [n\(i % 20)]
                    healthcheck: {test: [CMD, true], interval: 10s}
                    depends_on: [\(i == 0 ? "" : "s\(i - 1)")]

                """
        }
        yaml += "networks:\n"
        for n in 0..<20 { yaml += "  n\(n):\n    ipam:\n      config: [{subnet: 10.\(n).0.0/16}]\n" }
        yaml += "volumes:\n"
        for v in 0..<50 { yaml += "  data\(v):\n" }
        return yaml
    }

    /// CPU time of this thread, which the other jobs on a shared machine do not inflate.
    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    @Test func fiveThousandServicesBuildQuickly() throws {
        let yaml = Self.largeStack(5000)
        let root = try #require(try YAMLReader.parse(yaml, file: "compose.yaml"))
        let stack = LoadedStack(
            projectName: "big", projectDirectory: "/proj", files: [], root: root, environment: [:], activeProfiles: [],
            sources: [:], warnings: [])
        let clock = ContinuousClock()
        var result: (topology: Topology?, diagnostics: [Diagnostic])?
        let elapsed = clock.measure { result = TopologyBuilder.build(stack) }
        let t = try #require(result?.topology, "\(result?.diagnostics.prefix(3).map(\.description) ?? [])")
        #expect(t.services.count == 5000)
        print("TopologyBuilder.build of 5000 services, first run: \(elapsed)")
        let cpuStart = Self.threadCPUSeconds()
        let warm = clock.measure { _ = TopologyBuilder.build(stack) }
        let cpu = Self.threadCPUSeconds() - cpuStart
        print("TopologyBuilder.build of 5000 services, second run: \(warm) wall, \(cpu) s CPU")
        let yamlElapsed = clock.measure { _ = t.canonicalYAML() }
        print("canonicalYAML of 5000 services: \(yamlElapsed)")
        // Generous bound so debug builds on a loaded machine pass; release is far below.
        #expect(elapsed < .seconds(20))
    }

    @Test func fiveThousandBrokenServicesAreReportedQuickly() throws {
        var yaml = "services:\n"
        for i in 0..<5000 {
            yaml += "  s\(i):\n    image: x\n    imagee: y\n    depends_on: [t\(i)]\n    networks: [n\(i)]\n"
        }
        let root = try #require(try YAMLReader.parse(yaml, file: "compose.yaml"))
        let stack = LoadedStack(
            projectName: "big", projectDirectory: "/proj", files: [], root: root, environment: [:], activeProfiles: [],
            sources: [:], warnings: [])
        let clock = ContinuousClock()
        var result: (topology: Topology?, diagnostics: [Diagnostic])?
        let elapsed = clock.measure { result = TopologyBuilder.build(stack) }
        print("TopologyBuilder.build of 5000 broken services: \(elapsed)")
        #expect(result?.diagnostics.count == 15000)
        #expect(elapsed < .seconds(20))
    }
}
