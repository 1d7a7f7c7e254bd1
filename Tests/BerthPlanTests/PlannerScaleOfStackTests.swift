import Testing

@testable import BerthPlan

@Suite struct PlannerScaleOfStackTests {
    /// 1,000 services, each with a dozen fields, two networks and up to three dependencies
    /// on earlier services: a large stack with a deep, wide graph.
    static func largeStack(services count: Int) -> DesiredState {
        let services = (0..<count).map { i -> DesiredService in
            let deps = [i - 1, i - 7, i - 31].filter { $0 >= 0 }.map { Dependency("svc\($0)") }
            var fields = [Definition.Field(path: "image", value: "registry.local/app\(i % 17):1.\(i % 5)")]
            for f in 0..<10 { fields.append(Definition.Field(path: "environment.VAR_\(f)", value: "value-\(i)-\(f)")) }
            fields.append(Definition.Field(path: "ports[0]", value: "\(10000 + i):80"))
            return DesiredService(
                name: "svc\(i)", replicas: 1 + i % 3, dependsOn: deps, networks: ["big_default", "big_net\(i % 10)"],
                definition: Definition(fields), contentDigests: [ContentKey(.image, "app\(i % 17)"): "sha256:\(i % 17)"]
            )
        }
        let networks = ["big_default"] + (0..<10).map { "big_net\($0)" }
        return DesiredState(project: "big", services: services, networks: networks.map { DesiredNetwork(name: $0) })
    }

    @Test func aThousandConvergedServicesPlanAsUnchangedQuickly() {
        let desired = Self.largeStack(services: 1000)
        let observed = Fixture.converged(desired)
        let clock = ContinuousClock()
        var plan = Plan(kind: .up, project: "")
        let elapsed = clock.measure {
            plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        }
        #expect(!plan.hasChanges)
        #expect(plan.summary.unchanged == 1011)
        #expect(plan.problems.isEmpty)
        print("plan of 1000 converged services (2000 containers): \(elapsed)")
        // Generous in debug builds on a shared machine; release measures far below 100 ms.
        #expect(elapsed < .seconds(2))
    }
}
