import BerthEngine
import BerthImage
import BerthModel
import BerthNetwork
import BerthPlan
import BerthRuntime
import BerthState
import BerthSystem
import Foundation

extension LinuxDriver {
    public func createContainer(_ spec: BerthEngine.ContainerSpec) async throws {
        let name = spec.name
        guard let template = spec.service.template else {
            throw DriverError(
                "service \(spec.service.name): the plan carries no container template; cannot create \(name)",
                hint: "plan again from the stack files")
        }
        let service = template.service
        guard let reference = service.image, let image = images[reference] else {
            throw DriverError(
                "service \(spec.service.name): image \(service.image ?? "(none)") is not in berth's image store",
                hint: "run `berth image pull` or `berth image import` first, or `berth up --pull missing`")
        }
        // Leftovers of an interrupted run under the same name go first.
        if state.containers.contains(where: { $0.name == name }) {
            try await removeContainer(name)
        } else if (try? runtime.state(id: name)) != nil {
            throw DriverError(
                "container name \(name) is already used by a container outside project \(project)",
                hint: "remove it (`berth container rm -f \(name)`) or change 'container_name'")
        }
        let hostNetwork = service.networkMode == .host
        let isolated = service.networkMode == NamespaceMode.none
        let networkKeys = hostNetwork || isolated ? [] : service.networks.keys.sorted()
        let networkNames = template.networks.mapValues(\.name)
        // Addresses on a shared network are picked against every project's records; the
        // host networks' lock keeps two projects' `up` from picking the same one. Taking it
        // may wait on another project, so it is taken off the actor.
        let joinsShared = networkKeys.contains { template.networks[$0]?.external == true }
        let root = paths.root
        var sharedLock =
            joinsShared ? try await offCooperativePool { try HostNetworkStore(root: root).takeLock() } : nil
        defer { sharedLock?.close() }
        // From here to the record's first save nothing awaits: the addresses picked and the
        // record claiming them land together, so concurrent creates never pick the same one.
        var attachments: [AttachmentRecord] = []
        var endpoints: [ServiceSpecBuilder.NetworkEndpoint] = []
        var bridges: [String: (bridge: String, subnet: IPv4Subnet, isInternal: Bool)] = [:]
        let hostLinks = try RouteNetlink()
        for key in networkKeys {
            guard let networkName = networkNames[key] else {
                throw DriverError("service \(service.name): network \(key) does not exist; create it first")
            }
            let joined = try joinableNetwork(
                key: key, name: networkName, external: template.networks[key]?.external == true,
                service: service.name.rawValue)
            bridges[networkName] = (joined.bridge, joined.subnet, joined.isInternal)
            var addressing = try NetworkAddressing(subnet: joined.subnet, gateway: joined.gateway, inUse: [])
            for other in joined.external ? allContainers() : state.containers {
                for attachment in other.details?.attachments ?? [] where attachment.network == networkName {
                    if let address = IPv4Address(attachment.address) {
                        _ = try? addressing.allocate(for: other.name, requested: address)
                    }
                }
            }
            let attachment = service.networks[key]
            let requested = attachment?.ipv4Address.flatMap { IPv4Address($0.description) }
            let address: IPv4Address
            do {
                address = try addressing.allocate(for: name, requested: requested)
            } catch {
                throw DriverError("service \(service.name) on network \(key): \(error)")
            }
            let aliases = attachment?.aliases ?? []
            // Names hash root, container and network; a name still taken (by a link left from
            // elsewhere) is skipped rather than fought over.
            let key = "\(paths.root)|\(name)@\(networkName)"
            var hostInterface = InterfaceNames.hostVeth(for: key)
            var attempt = 0
            while try hostLinks.linkIfPresent(named: hostInterface) != nil, attempt < 8 {
                attempt += 1
                hostInterface = InterfaceNames.hostVeth(for: key, attempt: attempt)
            }
            attachments.append(
                AttachmentRecord(
                    network: networkName, hostInterface: hostInterface,
                    address: address.description, aliases: aliases))
            endpoints.append(.init(network: networkName, address: address, gateway: joined.gateway, aliases: aliases))
        }
        let ports = try publishedPorts(of: service)
        let volumeNames = template.volumes.mapValues(\.name)
        var volumePaths: [String: String] = [:]
        for (key, volumeName) in volumeNames {
            volumePaths[key] =
                state.volumes.first { $0.name == volumeName }?.path ?? paths.volumeData(volumeName)
        }
        let netnsPath = hostNetwork ? nil : paths.networkNamespace(container: name)
        let builder = ServiceSpecBuilder(
            service: service, image: image, project: project, replica: spec.replica, containerName: name,
            endpoints: endpoints, volumePaths: volumePaths,
            anonymousVolumeDirectory: paths.anonymousVolumes(container: name), networkNamespacePath: netnsPath)
        let runtimeSpec = try builder.build()
        let details = ContainerDetails(
            dependsOn: spec.service.dependsOn.map(\.service), networks: spec.service.networks,
            volumes: spec.service.volumes, networkNamespace: netnsPath ?? "", attachments: attachments, ports: ports,
            hasHealthcheck: builder.hasHealthcheck)
        var record = ContainerRecord(
            name: name, service: spec.service.name, replica: spec.replica, runtimeID: name, phase: .creating,
            definition: spec.service.definition.fields.map(DefinitionField.init),
            contentDigests: Dictionary(
                uniqueKeysWithValues: spec.service.contentDigests.map { ($0.key.storageKey, $0.value) }),
            createdAt: Self.timestamp())
        record.details = details
        state.containers.append(record)
        try await save()
        sharedLock?.close()
        sharedLock = nil

        var wiring: [ContainerProvisioner.Wire] = []
        var routed = false
        for (attachment, endpoint) in zip(attachments, endpoints) {
            guard let joined = bridges[endpoint.network] else { continue }
            // The default route goes via the first routed network (docker: the first network).
            let defaultRoute = !routed && !joined.isInternal
            routed = routed || defaultRoute
            wiring.append(
                ContainerProvisioner.Wire(
                    bridge: BridgeNetwork(bridgeName: joined.bridge, subnet: joined.subnet, gateway: endpoint.gateway),
                    hostInterface: attachment.hostInterface, address: endpoint.address, defaultRoute: defaultRoute))
        }
        let request = ContainerProvisioner.Request(
            name: name, spec: runtimeSpec, image: image,
            volumeDirectories: builder.volumeDirectories.map {
                ContainerProvisioner.VolumeDirectory(path: $0.path, target: $0.target, seed: $0.seed)
            }, networkNamespace: netnsPath, wiring: wiring)
        let provisioner = self.provisioner
        try await offCooperativePool { try provisioner.provision(request) }
        if let i = state.containers.firstIndex(where: { $0.name == name }) { state.containers[i].phase = .created }
        try await save()
    }

    /// Published ports with docker's defaults made explicit (host IP 127.0.0.1 when none is
    /// given, so nothing is exposed beyond the machine by accident).
    func publishedPorts(of service: Service) throws -> [PublishedPortRecord] {
        try service.ports.map { port in
            guard let published = port.published else {
                throw DriverError.unsupported(
                    service.name.rawValue, "ports: \(port.target) without a host port",
                    "write HOST:CONTAINER, e.g. \"8080:\(port.target)\"")
            }
            guard published.isSingle else {
                throw DriverError.unsupported(
                    service.name.rawValue, "ports: host port range \(published)", "publish one host port per entry")
            }
            guard port.protocol != .sctp else {
                throw DriverError.unsupported(service.name.rawValue, "ports: sctp", "publish tcp or udp ports")
            }
            let hostIP = port.hostIP?.description ?? "127.0.0.1"
            guard IPv4Address(hostIP) != nil else {
                throw DriverError.unsupported(
                    service.name.rawValue, "ports: host IP \(hostIP)", "berth publishes on IPv4 addresses only")
            }
            return PublishedPortRecord(
                hostIP: hostIP, hostPort: published.first, targetPort: port.target, transport: port.protocol.rawValue)
        }
    }

    public func startContainer(_ name: String) async throws {
        let id = runtimeID(of: name)
        let provisioner = self.provisioner
        try await offCooperativePool { try provisioner.start(name, id: id) }
        servingChanged = true
        await daemonShouldServeNewContainer()
    }

    public func stopContainer(_ name: String, timeout: Swift.Duration) async throws {
        let (seconds, atto) = timeout.components
        let grace = seconds * 1000 + atto / 1_000_000_000_000_000
        let id = runtimeID(of: name)
        let provisioner = self.provisioner
        try await offCooperativePool { try provisioner.stop(name, id: id, graceMilliseconds: grace) }
        servingChanged = true
        if publishesPorts(name) { await refreshDaemon() }
    }

    public func removeContainer(_ name: String) async throws {
        let index = state.containers.firstIndex { $0.name == name }
        let id = index.map { state.containers[$0].runtimeID } ?? name
        let details = index.flatMap { state.containers[$0].details }
        if let index {
            state.containers[index].phase = .removing
            try await save()
        }
        let interfaces = (details?.attachments ?? []).map(\.hostInterface)
        let netns = details?.networkNamespace ?? paths.networkNamespace(container: name)
        let provisioner = self.provisioner
        try await offCooperativePool {
            try provisioner.tearDown(name, id: id, hostInterfaces: interfaces, networkNamespace: netns)
        }
        state.containers.removeAll { $0.name == name }
        try await save()
        // Its published ports are released at once, so the next `up` (even after this
        // command is killed) finds them free; other removals wait for the end of the command.
        if !(details?.ports ?? []).isEmpty { await refreshDaemon() }
    }

    /// Whether the container publishes host ports, which the daemon must release at once.
    func publishesPorts(_ name: String) -> Bool {
        !(state.containers.first { $0.name == name }?.details?.ports ?? []).isEmpty
    }

    public func waitUntil(
        _ condition: WaitCondition, container: String, deadline: ContinuousClock.Instant
    ) async throws -> WaitOutcome {
        let id = runtimeID(of: container)
        let hasHealthcheck = state.containers.first { $0.name == container }?.details?.hasHealthcheck ?? false
        if condition == .healthy && !hasHealthcheck { return .noHealthcheck }
        return try await Self.poll(condition, container: container, id: id, runtime: runtime, deadline: deadline)
    }

    /// The wait's loop, off the actor: it only reads the container's state file, so other
    /// containers' steps go on meanwhile.
    private static func poll(
        _ condition: WaitCondition, container: String, id: String, runtime: Runtime,
        deadline: ContinuousClock.Instant
    ) async throws -> WaitOutcome {
        let clock = ContinuousClock()
        while true {
            let current: BerthRuntime.ContainerState
            do {
                current = try runtime.state(id: id)
            } catch {
                throw DriverError("container \(container): \(error)")
            }
            switch condition {
            case .started:
                if current.status == .running || current.startedAt != nil { return .satisfied }
            case .healthy:
                if current.status == .exited { return .exited(code: current.exitCode ?? -1) }
                if current.health == .healthy { return .satisfied }
                if current.health == .unhealthy {
                    // What the failing probe printed; the container's log only without a record.
                    if let probe = current.healthLog?.last {
                        let text = probe.output.split(separator: "\n", omittingEmptySubsequences: false)
                        return .unhealthy(
                            lastOutput: text.reversed().drop { $0.isEmpty }.reversed().joined(separator: "\n"))
                    }
                    return .unhealthy(lastOutput: logLines(runtime: runtime, id: id, lines: 5).joined(separator: "\n"))
                }
            case .completedSuccessfully:
                if current.status == .exited {
                    let code = current.exitCode ?? -1
                    return code == 0 ? .satisfied : .exited(code: code)
                }
            }
            if clock.now >= deadline { return .timedOut }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}
