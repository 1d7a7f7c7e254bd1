import BerthPlan
import Testing

/// `start`, `stop`, `restart`, `kill`, `rm` and `--wait` as plans over recorded containers.
@Suite struct LifecyclePlannerTests {
    let db = Fixture.service("db")
    let api = Fixture.service("api", replicas: 2, dependsOn: [Dependency("db")])
    let web = Fixture.service("web", dependsOn: [Dependency("api")])

    func observed(_ states: [String: ContainerState] = [:]) -> ObservedState {
        let containers = [
            Fixture.container(db), Fixture.container(api, replica: 1), Fixture.container(api, replica: 2),
            Fixture.container(web),
        ]
        return ObservedState(
            containers: containers.map { c in
                var c = c
                c.state = states[c.name] ?? .running
                return c
            })
    }

    func services(_ plan: Plan) -> [String] { plan.actions.map(\.resource.name) }

    @Test func stopGoesDependentsFirstEachServiceAfterWhatDependsOnIt() {
        let plan = Planner.planLifecycle(.stop, project: "demo", observed: observed())
        #expect(plan.kind == .lifecycle)
        #expect(services(plan) == ["web", "api", "db"])
        #expect(plan.actions.allSatisfy { $0.change == .stop })
        #expect(plan.actions[1].after == [0] && plan.actions[2].after == [1])
        #expect(plan.actions[1].replicas.map(\.container) == ["demo-api-2", "demo-api-1"])
    }

    @Test func startGoesDependenciesFirstAndSkipsWhatRuns() {
        let plan = Planner.planLifecycle(
            .start, project: "demo", observed: observed(["demo-db-1": .stopped, "demo-web-1": .exited(code: 1)]))
        #expect(services(plan) == ["db", "web"])
        #expect(plan.actions[1].after.isEmpty, "api runs, so web waits on nothing in this plan")
    }

    @Test func killCarriesItsSignalAndOnlyRunningContainers() {
        let plan = Planner.planLifecycle(
            .kill(signal: 15), project: "demo", observed: observed(["demo-api-2": .stopped]), services: ["api"])
        #expect(plan.signal == 15)
        #expect(plan.actions.map(\.replicas) == [[Replica(1, container: "demo-api-1")]])
    }

    @Test func removeKeepsRunningContainersUnlessTheyAreStoppedFirst() {
        let states: [String: ContainerState] = ["demo-web-1": .stopped]
        let keep = Planner.planLifecycle(.remove(stopRunning: false), project: "demo", observed: observed(states))
        #expect(services(keep) == ["web"])
        #expect(keep.keptRunning == ["demo-api-1", "demo-api-2", "demo-db-1"])
        let all = Planner.planLifecycle(.remove(stopRunning: true), project: "demo", observed: observed(states))
        #expect(services(all) == ["web", "api", "db"] && all.keptRunning.isEmpty)
    }

    @Test func waitAndRestartCoverEveryContainerAndAreNotChangesToPlanAround() {
        let wait = Planner.planLifecycle(.wait, project: "demo", observed: observed())
        #expect(services(wait) == ["db", "api", "web"])
        #expect(!wait.hasChanges)
        let restart = Planner.planLifecycle(.restart, project: "demo", observed: observed(["demo-db-1": .stopped]))
        #expect(services(restart) == ["db", "api", "web"] && restart.hasChanges)
    }
}
