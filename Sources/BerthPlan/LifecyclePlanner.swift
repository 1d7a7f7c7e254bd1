/// What `start`, `stop`, `restart`, `kill`, `rm` and `up --wait` do to existing containers.
/// They are plans like `up` and `down`, so the engine orders them by dependency, runs
/// independent services in parallel and reports every step the same way.
public enum LifecycleOperation: Hashable, Sendable {
    /// Start containers that are not running, dependencies first.
    case start
    /// Stop running containers, dependents first.
    case stop
    /// Stop and start every container, dependencies first.
    case restart
    /// Signal running containers.
    case kill(signal: Int32)
    /// Remove containers that are not running (all of them with `stopRunning`), dependents
    /// first.
    case remove(stopRunning: Bool)
    /// Wait until containers run, or are healthy when they have a healthcheck.
    case wait
}

extension Planner {
    /// The plan for a lifecycle command over the observed containers of `services` (all
    /// when empty). Ordering comes from the dependencies recorded on the containers, so no
    /// stack file is needed. Running containers a `remove` without `stopRunning` would touch
    /// are left out and listed in `keptRunning`, for the caller to name.
    public static func planLifecycle(
        _ operation: LifecycleOperation, project: String, observed: ObservedState, services: [String] = []
    ) -> Plan {
        let asked = Set(services)
        var chosen = observed.containers.filter { asked.isEmpty || asked.contains($0.service) }
        var kept: [String] = []
        let change: Change
        switch operation {
        case .start:
            change = .start
            chosen = chosen.filter { $0.state != .running }
        case .stop:
            change = .stop
            chosen = chosen.filter { $0.state == .running }
        case .restart:
            change = .restart
        case .kill:
            change = .kill
            chosen = chosen.filter { $0.state == .running }
        case .remove(let stopRunning):
            change = .remove
            if !stopRunning {
                kept = chosen.filter { $0.state == .running }.map(\.name)
                chosen = chosen.filter { $0.state != .running }
            }
        case .wait:
            change = .wait
        }
        // Stopping and removing go dependents first; starting and waiting dependencies first.
        let reversed = change == .stop || change == .remove || change == .kill
        var dependencies: [String: Set<String>] = [:]
        for container in chosen { dependencies[container.service, default: []].formUnion(container.dependsOn) }
        let graph = DependencyGraph(nodes: Array(dependencies.keys)) { dependencies[$0].map(Array.init) ?? [] }
        var dependents: [String: [String]] = [:]
        for (service, deps) in dependencies {
            for dep in deps where dependencies[dep] != nil { dependents[dep, default: []].append(service) }
        }
        let byService = Dictionary(grouping: chosen, by: \.service)
        var actions: [Action] = []
        var index: [String: Int] = [:]
        for service in reversed ? graph.reverseOrder : graph.order {
            let replicas = (byService[service] ?? []).sorted { ($0.replica, $0.name) < ($1.replica, $1.name) }
                .map { Replica($0.replica, container: $0.name) }
            let upstream = reversed ? (dependents[service] ?? []) : Array(dependencies[service] ?? [])
            let after = upstream.compactMap { index[$0] }.sorted()
            index[service] = actions.count
            actions.append(
                Action(.service(service), change, replicas: reversed ? replicas.reversed() : replicas, after: after))
        }
        var plan = Plan(kind: .lifecycle, project: project, actions: actions)
        plan.keptRunning = kept.sorted()
        if case .kill(let signal) = operation { plan.signal = signal }
        return plan
    }
}
