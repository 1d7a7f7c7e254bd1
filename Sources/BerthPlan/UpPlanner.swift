/// The `up` planner's working state. One pass over networks and volumes, then one pass over
/// services in dependency order; every lookup is a dictionary, so planning is linear in the
/// size of the stack (plus sorting).
struct UpPlanner {
    let desired: DesiredState
    let observed: ObservedState
    let options: PlanOptions

    private var actions: [Action] = []
    private var drift: [DriftItem] = []
    private var problems: [PlanProblem] = []
    private var targets: [String: ServiceTarget] = [:]
    /// The last action index per resource, for `after` edges.
    private var lastAction: [Resource: Int] = [:]
    private var replacedNetworks = Set<String>()
    private var replacedVolumes = Set<String>()
    private var recreatedServices = Set<String>()
    private var networkDefinitions: [String: Definition] = [:]
    private var volumeDefinitions: [String: Definition] = [:]

    init(desired: DesiredState, observed: ObservedState, options: PlanOptions) {
        self.desired = desired
        self.observed = observed
        self.options = options
    }

    mutating func build() -> Plan {
        if options.forceRecreate && options.noRecreate {
            problems.append(.conflictingOptions("--force-recreate", "--no-recreate"))
        }
        var services: [String: DesiredService] = [:]
        services.reserveCapacity(desired.services.count)
        for service in desired.services where services[service.name] == nil {
            services[service.name] = service
        }
        for name in services.keys.sorted() {
            guard let service = services[name] else { continue }
            for dep in service.dependsOn where dep.required && services[dep.service] == nil {
                problems.append(.missingDependency(service: name, dependency: dep.service))
            }
        }
        let graph = DependencyGraph(nodes: Array(services.keys)) { services[$0]?.dependsOn.map(\.service) ?? [] }
        problems.append(contentsOf: graph.cycles.map(PlanProblem.dependencyCycle))
        let scope = scope(services: services)

        let inScopeServices = graph.order.filter(scope.contains).compactMap { services[$0] }
        planNetworks(for: inScopeServices)
        planVolumes(for: inScopeServices)

        let observedByService = Dictionary(grouping: observed.containers, by: \.service)
        for name in graph.order {
            guard let service = services[name] else { continue }
            let containers = observedByService[name] ?? []
            if scope.contains(name) {
                converge(service, containers: containers)
            } else {
                restartOutOfScope(service, containers: containers)
            }
        }

        let orphans = observed.orphans(of: desired)
        if options.removeOrphans { planOrphanRemoval(orphans) }
        var plan = Plan(
            kind: .up, project: desired.project, actions: actions, drift: drift,
            orphans: options.removeOrphans ? [] : orphans.map(\.name),
            problems: problems, targets: targets, startContainers: !options.noStart, networks: networkDefinitions,
            volumes: volumeDefinitions)
        plan.networkDaemonDown = observed.networkDaemonDown
        return plan
    }

    /// The services `up` acts on: all, or the named ones and (unless `noDeps`) everything
    /// they depend on.
    private mutating func scope(services: [String: DesiredService]) -> Set<String> {
        if options.services.isEmpty { return Set(services.keys) }
        var scope = Set<String>()
        var queue: [String] = []
        for name in options.services {
            if services[name] == nil {
                problems.append(.unknownService(name))
            } else if scope.insert(name).inserted {
                queue.append(name)
            }
        }
        if options.noDeps { return scope }
        var next = 0
        while next < queue.count {
            let name = queue[next]
            next += 1
            for dep in services[name]?.dependsOn ?? [] where services[dep.service] != nil {
                if scope.insert(dep.service).inserted { queue.append(dep.service) }
            }
        }
        return scope
    }

    // MARK: Networks and volumes

    private mutating func planNetworks(for services: [DesiredService]) {
        let used = Set(services.flatMap(\.networks))
        let observedNetworks = Dictionary(observed.networks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for network in desired.networks.sorted(by: { $0.name < $1.name }) {
            guard options.services.isEmpty || used.contains(network.name) else { continue }
            let resource = Resource.network(network.name)
            networkDefinitions[network.name] = network.definition
            guard let current = observedNetworks[network.name] else {
                append(Action(resource, .create))
                continue
            }
            if !current.presentInKernel {
                let item = DriftItem(resource, .bridgeMissing)
                drift.append(item)
                replacedNetworks.insert(network.name)
                append(Action(resource, .recreate, reasons: [.drift(item)]))
                continue
            }
            let diff = network.definition.differences(from: current.definition)
            if diff.isEmpty {
                append(Action(resource, .noop))
            } else {
                replacedNetworks.insert(network.name)
                append(Action(resource, .recreate, reasons: diff))
            }
        }
    }

    private mutating func planVolumes(for services: [DesiredService]) {
        let used = Set(services.flatMap(\.volumes))
        let observedVolumes = Dictionary(observed.volumes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for volume in desired.volumes.sorted(by: { $0.name < $1.name }) {
            guard options.services.isEmpty || used.contains(volume.name) else { continue }
            let resource = Resource.volume(volume.name)
            volumeDefinitions[volume.name] = volume.definition
            let current = observedVolumes[volume.name]
            if volume.external {
                if current?.present != true { problems.append(.externalVolumeMissing(volume.name)) }
                continue
            }
            guard let current else {
                append(Action(resource, .create))
                continue
            }
            if !current.present {
                let item = DriftItem(resource, .volumeMissing)
                drift.append(item)
                replacedVolumes.insert(volume.name)
                append(Action(resource, .recreate, reasons: [.drift(item)]))
                continue
            }
            let diff = volume.definition.differences(from: current.definition)
            if diff.isEmpty {
                append(Action(resource, .noop))
            } else {
                replacedVolumes.insert(volume.name)
                append(Action(resource, .recreate, reasons: diff + [.dataLoss]))
            }
        }
    }

    // MARK: Services

    /// Decides the fate of every replica of one in-scope service and emits its actions:
    /// scale-down, recreate, restart, start, then create/scale-up.
    private mutating func converge(_ declared: DesiredService, containers: [ObservedContainer]) {
        var service = declared
        var wanted = options.scale[service.name] ?? service.replicas
        if wanted < 0 {
            problems.append(.negativeScale(service: service.name, replicas: wanted))
            wanted = 0
        }
        if service.containerName != nil && wanted > 1 {
            problems.append(.containerNameWithReplicas(service: service.name, replicas: wanted))
        }
        service.replicas = wanted

        var kept: [Int: ObservedContainer] = [:]
        var surplus: [ObservedContainer] = []
        for container in containers.sorted(by: { ($0.replica, $0.name) < ($1.replica, $1.name) }) {
            if container.replica >= 1 && container.replica <= wanted && kept[container.replica] == nil {
                kept[container.replica] = container
            } else {
                surplus.append(container)
            }
        }

        let attachedReplaced: [Reason] =
            service.networks.filter(replacedNetworks.contains).sorted().map(Reason.networkRecreated)
            + service.volumes.filter(replacedVolumes.contains).sorted().map(Reason.volumeRecreated)
        let restartReasons: [Reason] = service.dependsOn.filter { $0.restart && recreatedServices.contains($0.service) }
            .map { Reason.dependencyRecreated($0.service) }
        let canSideBySide =
            service.updateOrder == .startFirst && service.containerName == nil && attachedReplaced.isEmpty

        var recreate: [Replica] = []
        var recreateReasons = OrderedReasons()
        var restart: [Replica] = []
        var start: [Replica] = []
        var startReasons: [Reason] = []
        var final: [Replica] = []
        var created: [Replica] = []

        for number in stride(from: 1, through: wanted, by: 1) {
            let canonical = ContainerNaming.canonical(project: desired.project, service: service, replica: number)
            guard let container = kept[number] else {
                let replica = Replica(number, container: canonical)
                created.append(replica)
                final.append(replica)
                continue
            }
            var why: [Reason] = []
            var mustRecreate = false
            switch container.state {
            case .dead:
                let item = DriftItem(.service(service.name), container: container.name, .containerDead)
                drift.append(item)
                why.append(.drift(item))
                mustRecreate = true
            case .processMissing:
                let item = DriftItem(.service(service.name), container: container.name, .supervisorMissing)
                drift.append(item)
                why.append(.drift(item))
                mustRecreate = true
            case .exited(let code) where code != 0:
                drift.append(DriftItem(.service(service.name), container: container.name, .containerExited(code: code)))
            default:
                break
            }
            let diff =
                service.definition.differences(from: container.definition)
                + ContentKey.differences(desired: service.contentDigests, recorded: container.contentDigests)
            if !attachedReplaced.isEmpty {
                why = attachedReplaced + why
                mustRecreate = true
            }
            if !diff.isEmpty && !options.noRecreate {
                why = diff + why
                mustRecreate = true
            }
            if options.forceRecreate {
                why.append(.forced)
                mustRecreate = true
            }
            if mustRecreate {
                let sideBySide = canSideBySide && container.state == .running
                let name =
                    sideBySide ? ContainerNaming.sideBySide(previous: container.name, canonical: canonical) : canonical
                let replica = Replica(number, container: name, previous: container.name)
                recreate.append(replica)
                recreateReasons.append(contentsOf: why)
                final.append(replica)
                continue
            }
            let replica = Replica(number, container: container.name)
            final.append(replica)
            switch container.state {
            case .running where !restartReasons.isEmpty:
                restart.append(replica)
            case .stopped where !options.noStart:
                start.append(replica)
                startReasons.append(.stopped(container: container.name))
            case .created where !options.noStart:
                start.append(replica)
                startReasons.append(.notStarted(container: container.name))
            case .exited(let code) where !options.noStart:
                start.append(replica)
                startReasons.append(
                    code == 0
                        ? .completed(container: container.name)
                        : .drift(
                            DriftItem(.service(service.name), container: container.name, .containerExited(code: code))))
            default:
                break
            }
        }

        let resource = Resource.service(service.name)
        let upstream = upstreamActions(of: service)
        let firstAction = actions.count
        if !surplus.isEmpty {
            let removed = surplus.sorted { ($0.replica, $0.name) > ($1.replica, $1.name) }
                .map { Replica($0.replica, container: $0.name) }
            appendChained(
                Action(resource, .scaleDown, replicas: removed, reasons: [.scaled(from: containers.count, to: wanted)]),
                upstream: [])
        }
        if !recreate.isEmpty {
            recreatedServices.insert(service.name)
            appendChained(
                Action(
                    resource, .recreate, replicas: recreate, reasons: recreateReasons.reasons,
                    updateOrder: canSideBySide ? .startFirst : .stopFirst),
                upstream: upstream)
        }
        if !restart.isEmpty {
            appendChained(Action(resource, .restart, replicas: restart, reasons: restartReasons), upstream: upstream)
        }
        if !start.isEmpty {
            appendChained(Action(resource, .start, replicas: start, reasons: startReasons), upstream: upstream)
        }
        if !created.isEmpty {
            let action =
                containers.isEmpty
                ? Action(resource, .create, replicas: created)
                : Action(resource, .scaleUp, replicas: created, reasons: [.scaled(from: containers.count, to: wanted)])
            appendChained(action, upstream: upstream)
        }
        if actions.count == firstAction { appendChained(Action(resource, .noop, replicas: final), upstream: upstream) }
        targets[service.name] = ServiceTarget(service: service, replicas: final)
    }

    /// A service outside `up web`'s scope still restarts when a `restart: true` dependency
    /// is recreated, so it does not keep talking to the old one.
    private mutating func restartOutOfScope(_ service: DesiredService, containers: [ObservedContainer]) {
        let reasons: [Reason] = service.dependsOn.filter { $0.restart && recreatedServices.contains($0.service) }
            .map { Reason.dependencyRecreated($0.service) }
        guard !reasons.isEmpty else { return }
        let running = containers.filter { $0.state == .running }
            .sorted { ($0.replica, $0.name) < ($1.replica, $1.name) }
            .map { Replica($0.replica, container: $0.name) }
        guard !running.isEmpty else { return }
        var action = Action(.service(service.name), .restart, replicas: running, reasons: reasons)
        action.after = upstreamActions(of: service)
        append(action)
        var target = service
        target.replicas = running.count
        targets[service.name] = ServiceTarget(service: target, replicas: running)
    }

    private mutating func planOrphanRemoval(_ orphans: [ObservedContainer]) {
        let byService = Dictionary(grouping: orphans, by: \.service)
        for service in byService.keys.sorted() {
            let replicas = (byService[service] ?? []).sorted { ($0.replica, $0.name) > ($1.replica, $1.name) }
                .map { Replica($0.replica, container: $0.name) }
            append(Action(.service(service), .remove, replicas: replicas, reasons: [.orphan]))
        }
    }

    /// Actions that must finish before this service's containers come up: its networks and
    /// volumes, and the last action of each dependency.
    private func upstreamActions(of service: DesiredService) -> [Int] {
        var after = Set<Int>()
        for network in service.networks { if let i = lastAction[.network(network)] { after.insert(i) } }
        for volume in service.volumes { if let i = lastAction[.volume(volume)] { after.insert(i) } }
        for dep in service.dependsOn { if let i = lastAction[.service(dep.service)] { after.insert(i) } }
        return after.sorted()
    }

    /// Appends a service action after `upstream` and the service's previous action, so a
    /// service's own steps run in plan order.
    private mutating func appendChained(_ action: Action, upstream: [Int]) {
        var action = action
        var after = Set(upstream)
        if let previous = lastAction[action.resource] { after.insert(previous) }
        action.after = after.sorted()
        append(action)
    }

    private mutating func append(_ action: Action) {
        lastAction[action.resource] = actions.count
        actions.append(action)
    }
}

/// Reasons from several replicas, each listed once, in first-seen order.
private struct OrderedReasons {
    private(set) var reasons: [Reason] = []
    private var seen = Set<Reason>()

    mutating func append(contentsOf more: [Reason]) {
        for reason in more where seen.insert(reason).inserted { reasons.append(reason) }
    }
}
