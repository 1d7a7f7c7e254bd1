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
/// or undoes. One actor per command, guarding only the project record: every step that
/// blocks (netlink, mounts, spawning and stopping processes) runs on its own thread while the
/// actor is free, so the steps the engine runs in parallel overlap, and the record is still
/// updated one change at a time.
public actor LinuxDriver: RuntimeDriver {
    public let project: String
    let paths: DriverPaths
    /// Only for the preflight checks (`checkServicesSupported`, `checkExternalResources`)
    /// and to observe external volumes: containers, networks and volumes are built from the
    /// engine's specs alone.
    let topology: Topology?
    /// Image reference (as written in the service) → stored image.
    let images: [String: StoredImage]
    let runtime: Runtime
    let store: StateStore
    /// The `berth` executable that runs the network daemon; nil keeps the daemon alone
    /// (read-only commands).
    let daemonExecutable: String?
    var state: ProjectState
    let provisioner: ContainerProvisioner
    /// A network daemon being started; concurrent steps wait for it instead of starting another.
    var daemonStart: Task<Int32?, Never>?
    /// A signal to the daemon is scheduled (see `daemonShouldServeNewContainer`).
    var daemonSignalPending = false
    /// This command wrote the project record, or started or stopped a container: the
    /// daemon has something new to serve.
    var servingChanged = false
    /// `state` was read from disk by `init` and not yet used by `observe`.
    var stateJustLoaded = true
    /// Group commit of the record (see `save`): saves asked for, saves written, the write
    /// under way.
    var saveRequests = 0
    var savedRequests = 0
    var writeCount = 0
    var recordWrite: RecordWrite?

    public init(
        root: String, project: String, topology: Topology?, images: [String: StoredImage] = [:],
        daemonExecutable: String? = nil
    ) throws {
        self.project = project
        self.paths = DriverPaths(root: root)
        self.topology = topology
        self.images = images
        self.runtime = Runtime(root: root)
        self.provisioner = ContainerProvisioner(paths: DriverPaths(root: root), runtime: runtime)
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

    /// Makes the record as it is now durable, returning once it is on disk. Saves asked for
    /// while a write is under way share the next write (a group commit): steps running in
    /// parallel each still have their change written before they touch the kernel, without
    /// re-encoding the whole project once per step. The write itself runs off the actor.
    func save() async throws {
        servingChanged = true
        saveRequests += 1
        let wanted = saveRequests
        while savedRequests < wanted {
            let write: RecordWrite
            if let current = recordWrite {
                write = current
            } else {
                let snapshot = state
                let store = self.store
                writeCount += 1
                write = RecordWrite(
                    id: writeCount, covers: saveRequests,
                    task: Task { try await offCooperativePool { try store.save(snapshot) } })
                recordWrite = write
            }
            do {
                try await write.task.value
            } catch {
                if recordWrite?.id == write.id { recordWrite = nil }
                throw error
            }
            // Whoever resumes first retires the finished write; the others see it gone.
            if recordWrite?.id == write.id { recordWrite = nil }
            savedRequests = max(savedRequests, write.covers)
        }
    }

    /// One write of the record: the save requests it covers (all up to `covers`).
    struct RecordWrite {
        var id: Int
        var covers: Int
        var task: Task<Void, any Error>
    }

    // MARK: networks

    public func createNetwork(_ spec: NetworkSpec) async throws {
        let netlink = try RouteNetlink()
        if let existing = state.networks.firstIndex(where: { $0.name == spec.name }) {
            let record = state.networks[existing]
            if record.phase == .created, try netlink.linkIfPresent(named: record.bridge) != nil {
                state.networks[existing].definition = spec.definition.fields.map(DefinitionField.init)
                try await save()
                let root = paths.root
                let isInternal =
                    spec.model?.internal ?? topology?.networks.first { $0.name == spec.name }?.internal ?? false
                try await offCooperativePool {
                    try NetworkFirewall.install(
                        root: root, name: record.name, bridge: record.bridge, subnet: record.subnet,
                        isInternal: isInternal)
                }
                return
            }
            // Half made or lost: undo, then make it again.
            try? netlink.deleteLink(record.bridge)
            state.networks.remove(at: existing)
            try await save()
        }
        let model = spec.model
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
        // This project's own records too: a network created in parallel may be recorded (and
        // its subnet taken) while its bridge does not exist yet.
        var inUse = try netlink.subnetsInUse()
        for record in state.networks {
            if let subnet = try? IPv4Subnet(parsing: record.subnet) { inUse.append(subnet) }
        }
        for other in store.projects() where other != project {
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
        try await save()
        let isInternal = model?.internal ?? false
        let root = paths.root
        let name = spec.name
        let subnet = addressing.subnet.description
        let bridgeInterface = bridgeName
        do {
            try await offCooperativePool {
                let netlink = try RouteNetlink()
                try bridge.create(using: netlink, routed: !isInternal)
                do {
                    try NetworkFirewall.install(
                        root: root, name: name, bridge: bridgeInterface, subnet: subnet, isInternal: isInternal)
                } catch {
                    try? netlink.deleteLink(bridgeInterface)
                    throw error
                }
            }
        } catch {
            state.networks.removeAll { $0.name == spec.name }
            try? await save()
            throw error
        }
        setPhase(network: spec.name, .created)
        try await save()
    }

    public func removeNetwork(_ name: String) async throws {
        guard let index = state.networks.firstIndex(where: { $0.name == name }) else { return }
        state.networks[index].phase = .removing
        // Read before the save: other steps may change the list while it is written.
        let bridge = state.networks[index].bridge
        try await save()
        let root = paths.root
        try await offCooperativePool {
            try NetworkFirewall.remove(root: root, name: name)
            let netlink = try RouteNetlink()
            if try netlink.linkIfPresent(named: bridge) != nil { try netlink.deleteLink(bridge) }
        }
        state.networks.removeAll { $0.name == name }
        try await save()
        await refreshDaemon()
    }

    private func setPhase(network name: String, _ phase: Phase) {
        if let i = state.networks.firstIndex(where: { $0.name == name }) { state.networks[i].phase = phase }
    }

    // MARK: volumes

    public func createVolume(_ spec: VolumeSpec) async throws {
        let model = spec.model
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
        try await save()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let i = state.volumes.firstIndex(where: { $0.name == spec.name }) { state.volumes[i].phase = .created }
        try await save()
    }

    public func removeVolume(_ name: String) async throws {
        guard let index = state.volumes.firstIndex(where: { $0.name == name }) else { return }
        if state.volumes[index].external {
            // Never removed by `down -v`: the stack only borrowed it.
            state.volumes.remove(at: index)
            try await save()
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
        try await save()
        let root = paths.root
        let directory = paths.volume(name)
        try await offCooperativePool { try TreeRemover(root: root).remove(directory) }
        state.volumes.removeAll { $0.name == name }
        try await save()
    }

    // MARK: logs

    public func recentLogs(container: String, lines: Int) async -> [String] {
        let id = runtimeID(of: container)
        let runtime = self.runtime
        return (try? await offCooperativePool { Self.logLines(runtime: runtime, id: id, lines: lines) }) ?? []
    }

    /// The last `lines` lines of the container's log, without their line feeds.
    static func logLines(runtime: Runtime, id: String, lines: Int) -> [String] {
        guard let records = try? runtime.logs(id: id, options: LogOptions(tail: lines)) else { return [] }
        return records.map { $0.log.hasSuffix("\n") ? String($0.log.dropLast()) : $0.log }
    }

    func runtimeID(of container: String) -> String {
        state.containers.first { $0.name == container }?.runtimeID ?? container
    }
}

extension DefinitionField {
    init(_ field: Definition.Field) {
        self.init(path: field.path, value: field.value)
    }
}
