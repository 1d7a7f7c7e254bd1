import BerthEngine
import BerthImage
import BerthModel
import BerthNetwork
import BerthPlan
import BerthRuntime
import BerthState
import BerthSystem
import Foundation

/// The real `RuntimeDriver`: Linux bridges for networks, directories for volumes, berth's
/// runtime for containers, each container in a persistent network namespace wired to its
/// networks before it starts. Every kernel object is recorded as `creating` before it is
/// made and `created` after, so a run killed anywhere leaves a record the next run finishes
/// or undoes. One actor per command: steps the engine runs in parallel still update the
/// project record one at a time.
public actor LinuxDriver: RuntimeDriver {
    public let project: String
    let paths: DriverPaths
    let topology: Topology?
    /// Image reference (as written in the service) → stored image.
    let images: [String: StoredImage]
    let runtime: Runtime
    let store: StateStore
    /// The `berth` executable that runs the network daemon; nil keeps the daemon alone
    /// (read-only commands).
    let daemonExecutable: String?
    var state: ProjectState

    public init(
        root: String, project: String, topology: Topology?, images: [String: StoredImage] = [:],
        daemonExecutable: String? = nil
    ) throws {
        self.project = project
        self.paths = DriverPaths(root: root)
        self.topology = topology
        self.images = images
        self.runtime = Runtime(root: root)
        self.store = StateStore(root: root)
        self.daemonExecutable = daemonExecutable
        var state = try store.load(project: project) ?? ProjectState(name: project)
        if let topology {
            state.projectDirectory = topology.projectDirectory
        }
        self.state = state
    }

    /// The project record as the driver last wrote it.
    public var currentState: ProjectState { state }

    func save() throws {
        try store.save(state)
    }

    // MARK: networks

    public func createNetwork(_ spec: NetworkSpec) async throws {
        let netlink = try RouteNetlink()
        if let existing = state.networks.firstIndex(where: { $0.name == spec.name }) {
            let record = state.networks[existing]
            if record.phase == .created, try netlink.linkIfPresent(named: record.bridge) != nil {
                state.networks[existing].definition = spec.definition.fields.map(DefinitionField.init)
                try save()
                try NetworkFirewall.install(
                    root: paths.root, name: record.name, bridge: record.bridge, subnet: record.subnet,
                    isInternal: topology?.networks.first { $0.name == spec.name }?.internal ?? false)
                return
            }
            // Half made or lost: undo, then make it again.
            try? netlink.deleteLink(record.bridge)
            state.networks.remove(at: existing)
            try save()
        }
        let model = topology?.networks.first { $0.name == spec.name }
        if let model, model.external {
            throw DriverError(
                "network \(spec.name) (networks.\(model.key)) is external; a stack never creates it",
                hint: "create it with `berth network create \(spec.name)`")
        }
        if try HostNetworkStore(root: paths.root).load(spec.name) != nil {
            throw DriverError(
                "network \(spec.name)\(model.map { " (networks.\($0.key))" } ?? "") has the name of a network made "
                    + "with `berth network create`",
                hint: "add 'external: true' to join that network, or give this one another 'name:'")
        }
        var inUse = try netlink.subnetsInUse()
        for other in store.projects() {
            guard let otherState = try? store.load(project: other) else { continue }
            for record in otherState.networks {
                if let subnet = try? IPv4Subnet(parsing: record.subnet) { inUse.append(subnet) }
            }
        }
        for record in HostNetworkStore(root: paths.root).list() {
            if let subnet = try? IPv4Subnet(parsing: record.subnet) { inUse.append(subnet) }
        }
        var configuredSubnet: IPv4Subnet?
        var configuredGateway: IPv4Address?
        if let first = model?.subnets.first {
            do {
                configuredSubnet = try IPv4Subnet(parsing: first.subnet.description)
            } catch {
                throw DriverError(
                    "network \(spec.name): subnet \(first.subnet) is not an IPv4 subnet",
                    hint: "berth networks are IPv4 only")
            }
            configuredGateway = first.gateway.flatMap { IPv4Address($0.description) }
        }
        let addressing: NetworkAddressing
        do {
            addressing = try NetworkAddressing(
                subnet: configuredSubnet, gateway: configuredGateway, pool: .standard, inUse: inUse)
        } catch {
            throw DriverError("network \(spec.name): \(error)")
        }
        var bridgeName = InterfaceNames.bridge(for: spec.name)
        var attempt = 0
        while try netlink.linkIfPresent(named: bridgeName) != nil, attempt < 8 {
            attempt += 1
            bridgeName = InterfaceNames.bridge(for: spec.name, attempt: attempt)
        }
        let bridge = BridgeNetwork(bridgeName: bridgeName, subnet: addressing.subnet, gateway: addressing.gateway)
        state.networks.append(
            NetworkRecord(
                key: model?.key ?? spec.name, name: spec.name, bridge: bridgeName,
                subnet: addressing.subnet.description,
                gateway: addressing.gateway.description, external: false, phase: .creating,
                definition: spec.definition.fields.map(DefinitionField.init)))
        try save()
        let isInternal = model?.internal ?? false
        try bridge.create(using: netlink, routed: !isInternal)
        do {
            try NetworkFirewall.install(
                root: paths.root, name: spec.name, bridge: bridgeName, subnet: addressing.subnet.description,
                isInternal: isInternal)
        } catch {
            try? netlink.deleteLink(bridgeName)
            state.networks.removeAll { $0.name == spec.name }
            try? save()
            throw error
        }
        setPhase(network: spec.name, .created)
        try save()
    }

    public func removeNetwork(_ name: String) async throws {
        guard let index = state.networks.firstIndex(where: { $0.name == name }) else { return }
        state.networks[index].phase = .removing
        try save()
        let netlink = try RouteNetlink()
        let bridge = state.networks[index].bridge
        try NetworkFirewall.remove(root: paths.root, name: name)
        if try netlink.linkIfPresent(named: bridge) != nil { try netlink.deleteLink(bridge) }
        state.networks.removeAll { $0.name == name }
        try save()
        refreshDaemon()
    }

    private func setPhase(network name: String, _ phase: Phase) {
        if let i = state.networks.firstIndex(where: { $0.name == name }) { state.networks[i].phase = phase }
    }

    // MARK: volumes

    public func createVolume(_ spec: VolumeSpec) async throws {
        let model = topology?.volumes.first { $0.name == spec.name }
        if !(model?.driverOptions.isEmpty ?? true) {
            throw DriverError(
                "volume \(spec.name): berth does not support driver_opts yet",
                hint: "remove driver_opts; berth volumes are directories under \(paths.root)/volumes")
        }
        let path = paths.volumeData(spec.name)
        state.volumes.removeAll { $0.name == spec.name }
        state.volumes.append(
            VolumeRecord(
                key: model?.key ?? spec.name, name: spec.name, path: path, external: model?.external ?? false,
                phase: .creating, definition: spec.definition.fields.map(DefinitionField.init)))
        try save()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let i = state.volumes.firstIndex(where: { $0.name == spec.name }) { state.volumes[i].phase = .created }
        try save()
    }

    public func removeVolume(_ name: String) async throws {
        guard let index = state.volumes.firstIndex(where: { $0.name == name }) else { return }
        if state.volumes[index].external {
            // Never removed by `down -v`: the stack only borrowed it.
            state.volumes.remove(at: index)
            try save()
            return
        }
        // Another project's running container may mount it (as an external volume): the
        // kernel's mount tables say so even when that project's record is damaged.
        if let pids = LiveMounts.users(of: [paths.volumeData(name)])[paths.volumeData(name)], !pids.isEmpty {
            throw DriverError(
                "volume \(name) is still mounted by running process \(pids.map(String.init).joined(separator: ", "))",
                hint: "stop the containers that use it (in other projects too), then run `berth down -v` again")
        }
        state.volumes[index].phase = .removing
        try save()
        try TreeRemover(root: paths.root).remove(paths.volume(name))
        state.volumes.removeAll { $0.name == name }
        try save()
    }

    // MARK: logs

    public func recentLogs(container: String, lines: Int) async -> [String] {
        let id = runtimeID(of: container)
        guard let records = try? runtime.logs(id: id, options: LogOptions(tail: lines)) else { return [] }
        return records.map { $0.log.hasSuffix("\n") ? String($0.log.dropLast()) : $0.log }
    }

    func runtimeID(of container: String) -> String {
        state.containers.first { $0.name == container }?.runtimeID ?? container
    }

    // MARK: network daemon

    /// Makes the project's network daemon pick up the change: a SIGHUP if it runs, a new
    /// daemon if it died (or never ran) while the project has containers.
    func refreshDaemon() {
        guard let daemonExecutable else { return }
        defer { SharedNetworkPeers(root: paths.root, project: project).nudge() }
        let control = NetworkDaemonControl(root: paths.root, project: project)
        if state.containers.isEmpty && state.networks.isEmpty {
            if let pid = state.networkDaemonPid { control.stop(pid: pid) }
            NetworkFirewall.unpublish(root: paths.root, project: project)
            control.removeFiles()
            state.networkDaemonPid = nil
            try? save()
            return
        }
        if let pid = state.networkDaemonPid, control.isRunning(pid: pid) {
            control.reload(pid: pid)
            return
        }
        do {
            state.networkDaemonPid = try control.start(executable: daemonExecutable)
            try save()
        } catch {
            FileHandle.standardError.write(Data("warning: cannot start berth's network daemon: \(error)\n".utf8))
        }
    }

    /// Called once at the end of a command that changed the project: the daemon runs and
    /// serves what the project record says before the command returns.
    public func ensureDaemon() {
        refreshDaemon()
        if let pid = state.networkDaemonPid {
            NetworkDaemonControl(root: paths.root, project: project).synchronize(pid: pid)
        }
    }
}

extension DefinitionField {
    init(_ field: Definition.Field) {
        self.init(path: field.path, value: field.value)
    }
}
