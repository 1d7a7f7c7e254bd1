import BerthEngine
import BerthPlan

/// A runtime that keeps containers, networks and volumes in memory, so the engine and the
/// stack session are tested without root: seeded with an observed state, it lets the real
/// engine walk a plan (ordering, dependency waits, rollouts). Behaviours make it answer like
/// a misbehaving stack would (a container that fails to start, turns unhealthy or exits
/// non-zero). It lives in a test-support target: nothing shipped links it.
public actor SimulatedRuntime: RuntimeDriver {
    /// How containers matching a rule behave once started.
    public enum Behavior: Hashable, Sendable {
        /// Starts, and is healthy at once if it has a healthcheck.
        case healthy
        case failsToCreate(String)
        case failsToStart(String)
        /// Starts, then its healthcheck fails with this output.
        case unhealthy(String)
        /// Starts and stays `starting` forever: health waits time out.
        case neverHealthy
        /// Runs to completion with this exit status (a one-shot job).
        case exits(code: Int32)
    }

    /// Which containers a behaviour applies to: a service, optionally only containers whose
    /// definition has `field` (e.g. `image` = `app:2`) or with one name. The last match wins.
    public struct Rule: Hashable, Sendable {
        public var service: String
        public var field: Definition.Field?
        public var container: String?
        public var behavior: Behavior
        public var logs: [String]

        public init(
            service: String, field: Definition.Field? = nil, container: String? = nil, behavior: Behavior,
            logs: [String] = []
        ) {
            self.service = service
            self.field = field
            self.container = container
            self.behavior = behavior
            self.logs = logs
        }
    }

    private struct Container {
        var observed: ObservedContainer
        var behavior: Behavior
        var logs: [String]
        var hasHealthcheck: Bool
        var everStarted: Bool
    }

    private var containers: [String: Container] = [:]
    private var networks: [String: ObservedNetwork] = [:]
    private var volumes: [String: ObservedVolume] = [:]
    private var rules: [Rule]
    private var log: [String] = []
    private var inFlight = 0
    private var peak = 0
    /// Steps held back until enough of them are in progress at once (`holdCreates`, `holdStops`).
    private var gates: [String: (count: Int, waiters: [CheckedContinuation<Void, Never>])] = [:]

    /// Starts from `seed` (the real observed state, for a dry run) with `rules` for how
    /// new containers behave; unmatched containers are `.healthy`.
    public init(seed: ObservedState = ObservedState(), rules: [Rule] = []) {
        self.rules = rules
        for c in seed.containers {
            let health = c.health
            containers[c.name] = Container(
                observed: c, behavior: health == .unhealthy ? .unhealthy("unhealthy before the run") : .healthy,
                logs: [], hasHealthcheck: health != .none, everStarted: c.state != .created)
        }
        for n in seed.networks { networks[n.name] = n }
        for v in seed.volumes { volumes[v.name] = v }
    }

    // MARK: Inspection

    /// Every driver call in the order it began: `create web-1`, `start web-1`, ...
    public var operations: [String] { log }
    /// The most driver calls that were in progress at once.
    public var peakConcurrency: Int { peak }

    public func setRules(_ rules: [Rule]) { self.rules = rules }

    /// Holds every `createContainer` until `count` of them are in progress at once (then
    /// lets all through for good), so a test can prove creates really overlap. Opens anyway
    /// after `timeout`, so a serial engine fails the test instead of hanging it.
    public func holdCreates(until count: Int, timeout: Duration = .seconds(5)) {
        hold("create", until: count, timeout: timeout)
    }

    /// Holds every `stopContainer` the same way, so a test can prove stops overlap.
    public func holdStops(until count: Int, timeout: Duration = .seconds(5)) {
        hold("stop", until: count, timeout: timeout)
    }

    private func hold(_ step: String, until count: Int, timeout: Duration) {
        gates[step] = (count, [])
        Task {
            try? await Task.sleep(for: timeout)
            self.openGate(step)
        }
    }

    private func openGate(_ step: String) {
        guard let gate = gates[step] else { return }
        gates[step] = nil
        for waiter in gate.waiters { waiter.resume() }
    }

    /// Waits at `step`'s gate, if one is set, until enough steps are in progress.
    private func pass(_ step: String) async {
        guard let gate = gates[step] else { return }
        if inFlight >= gate.count {
            openGate(step)
        } else {
            await withCheckedContinuation { gates[step]?.waiters.append($0) }
        }
    }

    // MARK: RuntimeDriver

    public func createNetwork(_ network: NetworkSpec) async throws {
        begin("create network \(network.name)")
        defer { end() }
        networks[network.name] = ObservedNetwork(name: network.name, definition: network.definition)
    }

    public func removeNetwork(_ name: String) async throws {
        begin("remove network \(name)")
        defer { end() }
        if let user = containers.values.first(where: { $0.observed.networks.contains(name) }) {
            throw SimulatedError("network \(name) is in use by container \(user.observed.name)")
        }
        networks[name] = nil
    }

    public func createVolume(_ volume: VolumeSpec) async throws {
        begin("create volume \(volume.name)")
        defer { end() }
        volumes[volume.name] = ObservedVolume(name: volume.name, definition: volume.definition)
    }

    public func removeVolume(_ name: String) async throws {
        begin("remove volume \(name)")
        defer { end() }
        volumes[name] = nil
    }

    public func createContainer(_ spec: ContainerSpec) async throws {
        begin("create \(spec.name)")
        defer { end() }
        await pass("create")
        guard containers[spec.name] == nil else { throw SimulatedError("container \(spec.name) already exists") }
        for network in spec.service.networks where networks[network] == nil {
            throw SimulatedError("network \(network) does not exist")
        }
        let rule = rule(service: spec.service.name, container: spec.name, definition: spec.service.definition)
        if case .failsToCreate(let message) = rule?.behavior { throw SimulatedError(message) }
        let observed = ObservedContainer(
            name: spec.name, service: spec.service.name, replica: spec.replica, state: .created, health: .none,
            definition: spec.service.definition, contentDigests: spec.service.contentDigests,
            dependsOn: spec.service.dependsOn.map(\.service), networks: spec.service.networks,
            volumes: spec.service.volumes)
        containers[spec.name] = Container(
            observed: observed, behavior: rule?.behavior ?? .healthy, logs: rule?.logs ?? [],
            hasHealthcheck: spec.service.hasHealthcheck, everStarted: false)
    }

    public func startContainer(_ name: String) async throws {
        begin("start \(name)")
        defer { end() }
        guard var c = containers[name] else { throw SimulatedError("no such container: \(name)") }
        // Rules apply at each start, so a test (or a fixed environment) changes what happens next.
        if let rule = rule(service: c.observed.service, container: name, definition: c.observed.definition) {
            c.behavior = rule.behavior
            c.logs = rule.logs
        } else {
            c.behavior = .healthy
        }
        switch c.behavior {
        case .failsToStart(let message):
            c.observed.state = .exited(code: 127)
            containers[name] = c
            throw SimulatedError(message)
        case .exits(let code):
            c.observed.state = .exited(code: code)
        case .healthy:
            c.observed.state = .running
            c.observed.health = c.hasHealthcheck ? .healthy : .none
        case .unhealthy:
            c.observed.state = .running
            c.observed.health = c.hasHealthcheck ? .unhealthy : .none
        case .neverHealthy:
            c.observed.state = .running
            c.observed.health = c.hasHealthcheck ? .starting : .none
        case .failsToCreate:
            break
        }
        c.everStarted = true
        containers[name] = c
    }

    public func stopContainer(_ name: String, timeout: Duration) async throws {
        begin("stop \(name)")
        defer { end() }
        await pass("stop")
        guard var c = containers[name] else { return }
        if c.observed.state == .running || c.observed.state == .paused {
            c.observed.state = .stopped
            c.observed.health = .none
        }
        containers[name] = c
    }

    public func removeContainer(_ name: String) async throws {
        begin("remove \(name)")
        defer { end() }
        containers[name] = nil
    }

    public func killContainer(_ name: String, signal: Int32) async throws {
        begin("kill \(name) \(signal)")
        defer { end() }
        guard var c = containers[name], c.observed.state == .running else { return }
        c.observed.state = .exited(code: 128 + signal)
        c.observed.health = .none
        containers[name] = c
    }

    public func waitUntil(_ condition: WaitCondition, container: String, deadline: ContinuousClock.Instant)
        async throws -> WaitOutcome
    {
        begin("wait \(condition) \(container)")
        defer { end() }
        guard let c = containers[container] else { throw SimulatedError("no such container: \(container)") }
        switch (condition, c.observed.state) {
        case (.started, _) where c.everStarted:
            return .satisfied
        case (.completedSuccessfully, .exited(let code)):
            return code == 0 ? .satisfied : .exited(code: code)
        case (.healthy, .exited(let code)):
            return .exited(code: code)
        case (.healthy, .running):
            guard c.hasHealthcheck else { return .noHealthcheck }
            switch c.behavior {
            case .unhealthy(let output): return .unhealthy(lastOutput: output)
            case .neverHealthy: break
            default: return .satisfied
            }
        default:
            break
        }
        // Nothing will change in memory: the condition can only time out.
        try await Task.sleep(until: deadline, clock: .continuous)
        return .timedOut
    }

    public func observe() async throws -> ObservedState {
        ObservedState(
            containers: containers.values.map(\.observed).sorted { $0.name < $1.name },
            networks: networks.values.sorted { $0.name < $1.name },
            volumes: volumes.values.sorted { $0.name < $1.name })
    }

    public func recentLogs(container: String, lines: Int) async -> [String] {
        Array((containers[container]?.logs ?? []).suffix(lines))
    }

    // MARK: Bookkeeping

    private func rule(service: String, container: String, definition: Definition) -> Rule? {
        rules.last { rule in
            rule.service == service && (rule.container.map { $0 == container } ?? true)
                && (rule.field.map { definition.fields.contains($0) } ?? true)
        }
    }

    private func begin(_ operation: String) {
        log.append(operation)
        inFlight += 1
        peak = max(peak, inFlight)
    }

    private func end() {
        inFlight -= 1
    }
}

/// An error the simulated runtime raises, with the message a real runtime would give.
public struct SimulatedError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
