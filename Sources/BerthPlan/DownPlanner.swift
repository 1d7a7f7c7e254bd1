/// The `down` planner: stop dependents before what they depend on, then remove what the
/// containers were attached to.
struct DownPlanner {
    let project: String
    let observed: ObservedState
    let desired: DesiredState?
    let options: PlanOptions

    func build() -> Plan {
        var problems: [PlanProblem] = []
        let configured = desired.map { Set($0.services.map(\.name)) }
        var removable = observed.containers
        var orphans: [String] = []
        if let configured, !options.removeOrphans {
            orphans = removable.filter { !configured.contains($0.service) }.map(\.name).sorted()
            removable = removable.filter { configured.contains($0.service) }
        }
        if !options.services.isEmpty {
            let known = Set(observed.containers.map(\.service)).union(configured ?? [])
            for name in options.services where !known.contains(name) { problems.append(.unknownService(name)) }
            let asked = Set(options.services)
            removable = removable.filter { asked.contains($0.service) }
        }
        let removed = Set(removable.map(\.name))
        let kept = observed.containers.filter { !removed.contains($0.name) }

        var dependencies: [String: Set<String>] = [:]
        for container in removable { dependencies[container.service, default: []].formUnion(container.dependsOn) }
        for service in desired?.services ?? [] where dependencies[service.name] != nil {
            dependencies[service.name, default: []].formUnion(service.dependsOn.map(\.service))
        }
        let graph = DependencyGraph(nodes: Array(dependencies.keys)) { dependencies[$0].map(Array.init) ?? [] }
        var dependents: [String: [String]] = [:]
        for (service, deps) in dependencies {
            for dep in deps { dependents[dep, default: []].append(service) }
        }

        var actions: [Action] = []
        var index: [String: Int] = [:]
        let byService = Dictionary(grouping: removable, by: \.service)
        for service in graph.reverseOrder {
            let replicas = (byService[service] ?? []).sorted { ($0.replica, $0.name) > ($1.replica, $1.name) }
                .map { Replica($0.replica, container: $0.name) }
            let after = (dependents[service] ?? []).compactMap { index[$0] }.sorted()
            index[service] = actions.count
            actions.append(Action(.service(service), .remove, replicas: replicas, after: after))
        }
        let containerActions = Array(actions.indices)

        let busyNetworks = Set(kept.flatMap(\.networks))
        for network in observed.networks.map(\.name).sorted() where !busyNetworks.contains(network) {
            actions.append(Action(.network(network), .remove, after: containerActions))
        }
        if options.removeVolumes {
            let external = Set((desired?.volumes ?? []).filter(\.external).map(\.name))
            let busyVolumes = Set(kept.flatMap(\.volumes))
            for volume in observed.volumes.map(\.name).sorted()
            where !external.contains(volume) && !busyVolumes.contains(volume) {
                actions.append(Action(.volume(volume), .remove, after: containerActions))
            }
        }
        return Plan(kind: .down, project: project, actions: actions, orphans: orphans, problems: problems)
    }
}
