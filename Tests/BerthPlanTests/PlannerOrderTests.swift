import Testing

@testable import BerthPlan

@Suite struct PlannerOrderTests {
    /// a ← b ← d, a ← c ← d, e alone.
    static let diamond: [DesiredService] = [
        Fixture.service("d", dependsOn: [Dependency("b"), Dependency("c")]),
        Fixture.service("c", dependsOn: [Dependency("a")]),
        Fixture.service("e"),
        Fixture.service("b", dependsOn: [Dependency("a")]),
        Fixture.service("a"),
    ]

    @Test func servicesComeAfterTheirDependenciesWithTiesByName() {
        let plan = Planner.plan(
            desired: Fixture.desired(Self.diamond), observed: ObservedState(), options: PlanOptions())
        #expect(
            plan.steps == [
                "create network demo_default", "create service a", "create service e", "create service b",
                "create service c", "create service d",
            ])
        #expect(plan.action(.service("d"))?.after == [0, 3, 4])
    }

    @Test func inputOrderDoesNotChangeThePlan() {
        let forward = Planner.plan(
            desired: Fixture.desired(Self.diamond), observed: ObservedState(), options: PlanOptions())
        let reversed = Planner.plan(
            desired: Fixture.desired(Self.diamond.reversed()), observed: ObservedState(), options: PlanOptions())
        #expect(forward == reversed)
    }

    @Test func targetedUpIncludesDependenciesUnlessNoDeps() {
        let desired = Fixture.desired(Self.diamond)
        let withDeps = Planner.plan(desired: desired, observed: ObservedState(), options: PlanOptions(services: ["b"]))
        #expect(withDeps.steps == ["create network demo_default", "create service a", "create service b"])
        let alone = Planner.plan(
            desired: desired, observed: ObservedState(), options: PlanOptions(services: ["b"], noDeps: true))
        #expect(alone.steps == ["create network demo_default", "create service b"])
        #expect(alone.targets.keys.sorted() == ["b"])
    }

    @Test func targetingAnUnknownServiceIsAProblem() {
        let plan = Planner.plan(
            desired: Fixture.desired(Self.diamond), observed: ObservedState(), options: PlanOptions(services: ["x"]))
        #expect(plan.problems == [.unknownService("x")])
        #expect(plan.detailedExitCode == 1)
    }

    @Test func dependencyCyclesAreReportedOnceFromTheirSmallestName() {
        let services = [
            Fixture.service("x", dependsOn: [Dependency("y")]), Fixture.service("y", dependsOn: [Dependency("z")]),
            Fixture.service("z", dependsOn: [Dependency("x")]),
        ]
        let plan = Planner.plan(desired: Fixture.desired(services), observed: ObservedState(), options: PlanOptions())
        #expect(plan.problems == [.dependencyCycle(["x", "y", "z"])])
        #expect(plan.actions.count == 4)
    }

    @Test func requiredDependencyThatIsNotDefinedIsAProblemButAnOptionalOneIsNot() {
        let services = [
            Fixture.service("web", dependsOn: [Dependency("db"), Dependency("cache", required: false)])
        ]
        let plan = Planner.plan(desired: Fixture.desired(services), observed: ObservedState(), options: PlanOptions())
        #expect(plan.problems == [.missingDependency(service: "web", dependency: "db")])
    }

    @Test func downRemovesDependentsFirstThenNetworksAndKeepsVolumes() {
        let desired = Fixture.desired(
            Self.diamond.map {
                var s = $0; s.volumes = ["demo_data"]; return s
            },
            volumes: [DesiredVolume(name: "demo_data")])
        let observed = Fixture.converged(desired)
        let plan = Planner.planDown(project: "demo", observed: observed, options: PlanOptions())
        #expect(
            plan.steps == [
                "remove service d", "remove service b", "remove service c", "remove service a", "remove service e",
                "remove network demo_default",
            ])
        #expect(plan.action(.service("a"))?.after == [1, 2])
        #expect(plan.action(.network("demo_default"))?.after == [0, 1, 2, 3, 4])
        #expect(plan.kind == .down)
    }

    @Test func downWithVolumesRemovesOnlyNonExternalOnes() {
        let desired = Fixture.desired(
            [Fixture.service("db", volumes: ["demo_data", "shared"])],
            volumes: [DesiredVolume(name: "demo_data"), DesiredVolume(name: "shared", external: true)])
        var observed = Fixture.converged(desired)
        observed.volumes.append(ObservedVolume(name: "shared"))
        let plan = Planner.planDown(
            project: "demo", observed: observed, desired: desired, options: PlanOptions(removeVolumes: true))
        #expect(plan.steps == ["remove service db", "remove network demo_default", "remove volume demo_data"])
    }

    @Test func downWithTheConfigurationKeepsOrphansAndTheirNetworkUnlessAsked() {
        let desired = Fixture.desired([Fixture.service("web")])
        var observed = Fixture.converged(desired)
        observed.containers.append(Fixture.container(Fixture.service("old")))
        let keep = Planner.planDown(project: "demo", observed: observed, desired: desired, options: PlanOptions())
        #expect(keep.steps == ["remove service web"])
        #expect(keep.orphans == ["demo-old-1"])
        let all = Planner.planDown(
            project: "demo", observed: observed, desired: desired, options: PlanOptions(removeOrphans: true))
        #expect(all.steps == ["remove service old", "remove service web", "remove network demo_default"])
    }

    @Test func detailedExitCodeIsZeroWithoutChangesAndTwoWithChanges() {
        let desired = Fixture.desired([Fixture.service("web")])
        #expect(
            Planner.plan(desired: desired, observed: Fixture.converged(desired), options: PlanOptions())
                .detailedExitCode == 0)
        #expect(Planner.plan(desired: desired, observed: ObservedState(), options: PlanOptions()).detailedExitCode == 2)
    }
}
