import Testing

@testable import BerthPlan

@Suite struct PlannerScaleTests {
    @Test func scaleUpAddsTheNextReplicaNumbers() {
        let web = Fixture.service("web", replicas: 3)
        let desired = Fixture.desired([web])
        var observed = Fixture.converged(desired)
        observed.containers = [Fixture.container(web, replica: 1)]
        let action = Planner.plan(desired: desired, observed: observed, options: PlanOptions()).action(.service("web"))
        #expect(action?.change == .scaleUp)
        #expect(action?.replicas == [Replica(2, container: "demo-web-2"), Replica(3, container: "demo-web-3")])
        #expect(action?.reasons == [.scaled(from: 1, to: 3)])
    }

    @Test func scaleUpFillsGapsInTheNumbering() {
        let web = Fixture.service("web", replicas: 3)
        let desired = Fixture.desired([web])
        var observed = Fixture.converged(desired)
        observed.containers.remove(at: 1)
        let action = Planner.plan(desired: desired, observed: observed, options: PlanOptions()).action(.service("web"))
        #expect(action?.replicas == [Replica(2, container: "demo-web-2")])
    }

    @Test func scaleDownRemovesTheHighestNumberedReplicasFirst() {
        let web = Fixture.service("web", replicas: 4)
        let desired = Fixture.desired([web])
        let plan = Planner.plan(
            desired: desired, observed: Fixture.converged(desired), options: PlanOptions(scale: ["web": 2]))
        let action = plan.action(.service("web"))
        #expect(action?.change == .scaleDown)
        #expect(action?.replicas == [Replica(4, container: "demo-web-4"), Replica(3, container: "demo-web-3")])
        #expect(action?.reasons == [.scaled(from: 4, to: 2)])
        #expect(plan.targets["web"]?.replicas.map(\.number) == [1, 2])
        #expect(plan.summary.scale == 1)
    }

    @Test func scaleDownAndRecreateHappenInThatOrder() {
        let web = Fixture.service("web", image: "busybox:1.36", replicas: 3)
        let desired = Fixture.desired([web])
        var observed = Fixture.converged(desired)
        for i in observed.containers.indices {
            observed.containers[i].definition = Definition(["image": "busybox:1.35"])
        }
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions(scale: ["web": 1]))
        #expect(plan.steps == ["noop network demo_default", "scale-down service web", "recreate service web"])
        #expect(plan.actions[2].after == [0, 1])
    }

    @Test func scaleToZeroRemovesEveryReplica() {
        let web = Fixture.service("web", replicas: 2)
        let desired = Fixture.desired([web])
        let plan = Planner.plan(
            desired: desired, observed: Fixture.converged(desired), options: PlanOptions(scale: ["web": 0]))
        #expect(plan.action(.service("web"))?.replicas.map(\.number) == [2, 1])
        #expect(plan.targets["web"]?.replicas == [])
    }

    @Test func negativeScaleIsAProblem() {
        let plan = Planner.plan(
            desired: Fixture.desired([Fixture.service("web")]), observed: ObservedState(),
            options: PlanOptions(scale: ["web": -1]))
        #expect(plan.problems == [.negativeScale(service: "web", replicas: -1)])
    }

    @Test func orphansAreListedAndRemovedOnlyWhenAsked() {
        let web = Fixture.service("web")
        let desired = Fixture.desired([web])
        var observed = Fixture.converged(desired)
        observed.containers.append(Fixture.container(Fixture.service("old"), replica: 1))
        observed.containers.append(Fixture.container(Fixture.service("old"), replica: 2))
        let kept = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(kept.orphans == ["demo-old-1", "demo-old-2"])
        #expect(!kept.hasChanges)
        let removed = Planner.plan(desired: desired, observed: observed, options: PlanOptions(removeOrphans: true))
        let action = removed.action(.service("old"))
        #expect(action?.change == .remove)
        #expect(action?.replicas.map(\.container) == ["demo-old-2", "demo-old-1"])
        #expect(action?.reasons == [.orphan])
    }
}

@Suite struct PlannerDriftTests {
    let web = Fixture.service("web", replicas: 4)

    @Test func containersThatDiedAreReportedAndRepaired() {
        let desired = Fixture.desired([web])
        var observed = Fixture.converged(desired)
        observed.containers[0].state = .exited(code: 137)
        observed.containers[1].state = .dead
        observed.containers[2].state = .processMissing
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        let service = Resource.service("web")
        #expect(
            plan.drift == [
                DriftItem(service, container: "demo-web-1", .containerExited(code: 137)),
                DriftItem(service, container: "demo-web-2", .containerDead),
                DriftItem(service, container: "demo-web-3", .supervisorMissing),
            ])
        let recreate = plan.action(service, .recreate)
        #expect(recreate?.replicas.map(\.number) == [2, 3])
        #expect(
            recreate?.reasons == [
                .drift(DriftItem(service, container: "demo-web-2", .containerDead)),
                .drift(DriftItem(service, container: "demo-web-3", .supervisorMissing)),
            ])
        let start = plan.action(service, .start)
        #expect(start?.replicas == [Replica(1, container: "demo-web-1")])
        #expect(start?.reasons == [.drift(DriftItem(service, container: "demo-web-1", .containerExited(code: 137)))])
    }

    @Test func deadContainersAreRecreatedEvenWithNoRecreate() {
        let desired = Fixture.desired([Fixture.service("db")])
        var observed = Fixture.converged(desired)
        observed.containers[0].state = .dead
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions(noRecreate: true))
        #expect(plan.action(.service("db"))?.change == .recreate)
    }

    @Test func deletedBridgeRecreatesTheNetworkAndEverythingAttached() {
        let api = Fixture.service("api", networks: ["demo_back"], order: .startFirst)
        let front = Fixture.service("front", networks: ["demo_default"])
        let desired = Fixture.desired([api, front], networks: ["demo_back", "demo_default"])
        var observed = Fixture.converged(desired)
        observed.networks[0].presentInKernel = false
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        let bridge = DriftItem(.network("demo_back"), .bridgeMissing)
        #expect(plan.drift == [bridge])
        #expect(plan.action(.network("demo_back"))?.change == .recreate)
        #expect(plan.action(.network("demo_back"))?.reasons == [.drift(bridge)])
        let action = plan.action(.service("api"))
        #expect(action?.change == .recreate)
        #expect(action?.reasons == [.networkRecreated("demo_back")])
        #expect(action?.updateOrder == .stopFirst)
        #expect(action?.replicas == [Replica(1, container: "demo-api-1", previous: "demo-api-1")])
        #expect(plan.action(.service("front"))?.change == .noop)
    }

    @Test func changedNetworkDefinitionRecreatesItAndAttachedContainersWithTheReason() {
        let api = Fixture.service("api")
        var desired = Fixture.desired([api])
        desired.networks[0].definition = Definition(["ipam.config[0].subnet": "10.89.1.0/24"])
        var observed = Fixture.converged(desired)
        observed.networks[0].definition = Definition(["ipam.config[0].subnet": "10.89.0.0/24"])
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(
            plan.action(.network("demo_default"))?.reasons == [
                .changed(path: "ipam.config[0].subnet", from: "10.89.0.0/24", to: "10.89.1.0/24")
            ])
        #expect(plan.action(.service("api"))?.reasons == [.networkRecreated("demo_default")])
        #expect(plan.drift.isEmpty)
    }

    @Test func missingVolumeDirectoryIsDriftAndAttachedServicesAreRecreated() {
        let db = Fixture.service("db", volumes: ["demo_data"])
        let desired = Fixture.desired([db], volumes: [DesiredVolume(name: "demo_data")])
        var observed = Fixture.converged(desired)
        observed.volumes[0].present = false
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(plan.drift == [DriftItem(.volume("demo_data"), .volumeMissing)])
        #expect(plan.action(.volume("demo_data"))?.change == .recreate)
        #expect(plan.action(.service("db"))?.reasons == [.volumeRecreated("demo_data")])
    }

    @Test func changedVolumeDefinitionWarnsThatDataIsLost() {
        let desired = Fixture.desired(
            [Fixture.service("db", volumes: ["demo_data"])],
            volumes: [DesiredVolume(name: "demo_data", definition: Definition(["driver_opts.size": "2G"]))])
        var observed = Fixture.converged(desired)
        observed.volumes[0].definition = Definition(["driver_opts.size": "1G"])
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(
            plan.action(.volume("demo_data"))?.reasons == [
                .changed(path: "driver_opts.size", from: "1G", to: "2G"), .dataLoss,
            ])
    }

    @Test func externalVolumesAreNeverTouchedButMustExist() {
        let desired = Fixture.desired(
            [Fixture.service("db", volumes: ["shared"])], volumes: [DesiredVolume(name: "shared", external: true)])
        var observed = Fixture.converged(desired)
        let missing = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(missing.problems == [.externalVolumeMissing("shared")])
        #expect(missing.action(.volume("shared")) == nil)
        observed.volumes.append(ObservedVolume(name: "shared"))
        let present = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(present.problems.isEmpty)
        #expect(present.action(.volume("shared")) == nil)
    }
}

@Suite struct PlannerOneShotTests {
    @Test func aJobThatRanToCompletionIsStartedAgainWithoutCallingItDrift() {
        let desired = Fixture.desired([Fixture.service("migrate")])
        var observed = Fixture.converged(desired)
        observed.containers[0].state = .exited(code: 0)
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(plan.drift.isEmpty)
        #expect(plan.action(.service("migrate"))?.change == .start)
        #expect(plan.action(.service("migrate"))?.reasons == [.completed(container: "demo-migrate-1")])
    }
}
