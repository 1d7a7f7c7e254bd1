import Testing

@testable import BerthPlan

@Suite struct PlannerChangeTests {
    let db = Fixture.service("db", image: "postgres:16")
    var web: DesiredService { Fixture.service("web", dependsOn: [Dependency("db")]) }

    @Test func upFromNothingCreatesNetworksVolumesThenServicesInDependencyOrder() {
        let desired = Fixture.desired(
            [web, Fixture.service("db", volumes: ["demo_data"])], volumes: [DesiredVolume(name: "demo_data")])
        let plan = Planner.plan(desired: desired, observed: ObservedState(), options: PlanOptions())
        #expect(
            plan.steps == [
                "create network demo_default", "create volume demo_data", "create service db", "create service web",
            ])
        #expect(plan.action(.service("web"))?.replicas == [Replica(1, container: "demo-web-1")])
        #expect(plan.action(.service("web"))?.after == [0, 2])
        #expect(plan.action(.service("db"))?.after == [0, 1])
        #expect(plan.summary.create == 4)
        #expect(plan.detailedExitCode == 2)
    }

    @Test func convergedStackHasNothingToDo() {
        let desired = Fixture.desired([db, web])
        let plan = Planner.plan(desired: desired, observed: Fixture.converged(desired), options: PlanOptions())
        #expect(plan.steps == ["noop network demo_default", "noop service db", "noop service web"])
        #expect(!plan.hasChanges)
        #expect(plan.detailedExitCode == 0)
        #expect(plan.summary.unchanged == 3)
        #expect(plan.targets["web"]?.replicas == [Replica(1, container: "demo-web-1")])
    }

    /// (recorded definition, desired definition, expected reasons)
    static let definitionChanges: [(Definition, Definition, [Reason])] = [
        (
            Definition(["image": "busybox:1.35"]), Definition(["image": "busybox:1.36"]),
            [.changed(path: "image", from: "busybox:1.35", to: "busybox:1.36")]
        ),
        (
            Definition(["image": "busybox", "environment.OLD": "x"]),
            Definition(["image": "busybox", "environment.LOG_LEVEL": "debug"]),
            [.added(path: "environment.LOG_LEVEL", value: "debug"), .removed(path: "environment.OLD", value: "x")]
        ),
        (
            Definition(["image": "busybox", "command[0]": "sh", "command[1]": "-c"]),
            Definition(["image": "busybox", "command[0]": "sleep", "ports[0]": "8080:80"]),
            [
                .changed(path: "command[0]", from: "sh", to: "sleep"), .added(path: "ports[0]", value: "8080:80"),
                .removed(path: "command[1]", value: "-c"),
            ]
        ),
    ]

    @Test(arguments: definitionChanges)
    func definitionChangeRecreatesWithFieldByFieldReasons(recorded: Definition, wanted: Definition, expected: [Reason])
    {
        var service = Fixture.service("web")
        service.definition = wanted
        let desired = Fixture.desired([service])
        var observed = Fixture.converged(desired)
        observed.containers[0].definition = recorded
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        let action = plan.action(.service("web"))
        #expect(action?.change == .recreate)
        #expect(action?.reasons == expected)
        #expect(action?.replicas == [Replica(1, container: "demo-web-1", previous: "demo-web-1")])
        #expect(action?.updateOrder == .stopFirst)
        #expect(plan.summary.recreate == 1)
    }

    @Test func changedContentUnderTheSameNameRecreates() {
        let envKey = ContentKey(.envFile, ".env.web")
        let imageKey = ContentKey(.image, "busybox:1.36")
        let wanted = Fixture.service("web", digests: [envKey: "sha256:new", imageKey: "sha256:img2"])
        var old = Fixture.container(wanted)
        old.contentDigests = [envKey: "sha256:old", imageKey: "sha256:img1"]
        let desired = Fixture.desired([wanted])
        var observed = Fixture.converged(desired)
        observed.containers = [old]
        let action = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
            .action(.service("web"))
        #expect(action?.change == .recreate)
        #expect(
            action?.reasons == [.contentChanged(what: "env_file .env.web"), .imageDigestChanged(tag: "busybox:1.36")])
    }

    @Test func forceRecreateRecreatesUnchangedServicesAndSaysSo() {
        let desired = Fixture.desired([db])
        let plan = Planner.plan(
            desired: desired, observed: Fixture.converged(desired), options: PlanOptions(forceRecreate: true))
        #expect(plan.action(.service("db"))?.change == .recreate)
        #expect(plan.action(.service("db"))?.reasons == [.forced])
        #expect(plan.action(.network("demo_default"))?.change == .noop)
    }

    @Test func noRecreateLeavesChangedContainersAlone() {
        let desired = Fixture.desired([db])
        var observed = Fixture.converged(desired)
        observed.containers[0].definition = Definition(["image": "postgres:15"])
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions(noRecreate: true))
        #expect(plan.action(.service("db"))?.change == .noop)
        #expect(!plan.hasChanges)
    }

    @Test func forceAndNoRecreateTogetherIsAProblem() {
        let plan = Planner.plan(
            desired: Fixture.desired([db]), observed: ObservedState(),
            options: PlanOptions(forceRecreate: true, noRecreate: true))
        #expect(plan.problems == [.conflictingOptions("--force-recreate", "--no-recreate")])
        #expect(plan.detailedExitCode == 1)
    }

    @Test func stoppedAndNeverStartedContainersAreStartedWithoutDrift() {
        let worker = Fixture.service("worker", replicas: 2)
        let desired = Fixture.desired([worker])
        var observed = Fixture.converged(desired)
        observed.containers[0].state = .stopped
        observed.containers[1].state = .created
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        let action = plan.action(.service("worker"))
        #expect(action?.change == .start)
        #expect(action?.reasons == [.stopped(container: "demo-worker-1"), .notStarted(container: "demo-worker-2")])
        #expect(plan.drift.isEmpty)
        #expect(plan.summary.start == 1)
    }

    @Test func noStartCreatesButDoesNotStartStoppedContainers() {
        let desired = Fixture.desired([db, web])
        var observed = Fixture.converged(desired)
        observed.containers.removeAll { $0.service == "web" }
        observed.containers[0].state = .stopped
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions(noStart: true))
        #expect(plan.action(.service("db"))?.change == .noop)
        #expect(plan.action(.service("web"))?.change == .create)
        #expect(!plan.startContainers)
    }

    @Test func pausedContainersAreLeftPaused() {
        let desired = Fixture.desired([db])
        var observed = Fixture.converged(desired)
        observed.containers[0].state = .paused
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(!plan.hasChanges)
        #expect(plan.drift.isEmpty)
    }

    @Test func restartTrueDependentsRestartWhenTheirDependencyIsRecreated() {
        let api = Fixture.service("api", dependsOn: [Dependency("db", restart: true)])
        let desired = Fixture.desired([db, api, web])
        var observed = Fixture.converged(desired)
        observed.containers[0].definition = Definition(["image": "postgres:15"])
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions())
        #expect(
            plan.steps == [
                "noop network demo_default", "recreate service db", "restart service api", "noop service web",
            ])
        #expect(plan.action(.service("api"))?.reasons == [.dependencyRecreated("db")])
        #expect(plan.action(.service("api"))?.after == [0, 1])
        #expect(plan.summary.restart == 1)
    }

    @Test func restartTrueDependentsOutsideTheTargetsRestartToo() {
        let api = Fixture.service("api", dependsOn: [Dependency("db", restart: true)])
        let desired = Fixture.desired([db, api])
        var observed = Fixture.converged(desired)
        observed.containers[0].definition = Definition(["image": "postgres:15"])
        let plan = Planner.plan(desired: desired, observed: observed, options: PlanOptions(services: ["db"]))
        #expect(plan.steps == ["noop network demo_default", "recreate service db", "restart service api"])
    }

    @Test func startFirstReplacementRunsBesideTheOldContainerUnderAnAlternateName() {
        let wanted = Fixture.service("web", image: "busybox:1.36", replicas: 2, order: .startFirst)
        let desired = Fixture.desired([wanted])
        var observed = Fixture.converged(desired)
        for i in observed.containers.indices {
            observed.containers[i].definition = Definition(["image": "busybox:1.35"])
        }
        observed.containers[1].name = "demo-web-2-next"
        let action = Planner.plan(desired: desired, observed: observed, options: PlanOptions()).action(.service("web"))
        #expect(action?.updateOrder == .startFirst)
        #expect(
            action?.replicas == [
                Replica(1, container: "demo-web-1-next", previous: "demo-web-1"),
                Replica(2, container: "demo-web-2", previous: "demo-web-2-next"),
            ])
    }

    @Test func startFirstWithAFixedContainerNameFallsBackToStopFirst() {
        let wanted = Fixture.service("web", order: .startFirst, containerName: "webserver")
        let desired = Fixture.desired([wanted])
        var observed = Fixture.converged(desired)
        observed.containers[0].definition = Definition(["image": "busybox:1.35"])
        let action = Planner.plan(desired: desired, observed: observed, options: PlanOptions()).action(.service("web"))
        #expect(action?.updateOrder == .stopFirst)
        #expect(action?.replicas == [Replica(1, container: "webserver", previous: "webserver")])
    }

    @Test func containerNameWithSeveralReplicasIsAProblem() {
        let wanted = Fixture.service("web", replicas: 2, containerName: "webserver")
        let plan = Planner.plan(desired: Fixture.desired([wanted]), observed: ObservedState(), options: PlanOptions())
        #expect(plan.problems == [.containerNameWithReplicas(service: "web", replicas: 2)])
    }
}
