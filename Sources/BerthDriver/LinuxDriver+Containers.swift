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
        guard let topology, let service = topology.service(named: spec.service.name) else {
            throw DriverError("service \(spec.service.name) is not in the stack files; cannot create \(name)")
        }
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
        let networkNames = Dictionary(uniqueKeysWithValues: topology.networks.map { ($0.key, $0.name) })
        var attachments: [AttachmentRecord] = []
        var endpoints: [ServiceSpecBuilder.NetworkEndpoint] = []
        var bridges: [String: (bridge: String, subnet: IPv4Subnet, isInternal: Bool)] = [:]
        let hostLinks = try RouteNetlink()
        // Addresses on a shared network are picked against every project's records; the
        // host networks' lock keeps two projects' `up` from picking the same one.
        let joinsShared = networkKeys.contains { key in topology.networks.first { $0.key == key }?.external == true }
        var sharedLock = joinsShared ? try HostNetworkStore(root: paths.root).takeLock() : nil
        defer { sharedLock?.close() }
        for key in networkKeys {
            guard let networkName = networkNames[key] else {
                throw DriverError("service \(service.name): network \(key) does not exist; create it first")
            }
            let joined = try joinableNetwork(key: key, name: networkName, service: service.name.rawValue)
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
        let volumeNames = Dictionary(uniqueKeysWithValues: topology.volumes.map { ($0.key, $0.name) })
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
        try save()
        sharedLock?.close()
        sharedLock = nil

        for directory in builder.volumeDirectories {
            try VolumeSeeder.prepare(directory.path, target: directory.target, seed: directory.seed, image: image)
        }
        var wiring: [(bridge: BridgeNetwork, hostInterface: String, address: IPv4Address, defaultRoute: Bool)] = []
        var routed = false
        for (attachment, endpoint) in zip(attachments, endpoints) {
            guard let joined = bridges[endpoint.network] else { continue }
            // The default route goes via the first routed network (docker: the first network).
            let defaultRoute = !routed && !joined.isInternal
            routed = routed || defaultRoute
            wiring.append(
                (
                    BridgeNetwork(bridgeName: joined.bridge, subnet: joined.subnet, gateway: endpoint.gateway),
                    attachment.hostInterface, endpoint.address, defaultRoute
                ))
        }
        if let netnsPath {
            try NamespaceFile.create(at: netnsPath) { namespace in
                let netlink = try RouteNetlink()
                for (index, wire) in wiring.enumerated() {
                    try wire.bridge.attach(
                        namespace, hostInterface: wire.hostInterface, containerInterface: "eth\(index)",
                        address: wire.address, defaultRoute: wire.defaultRoute, using: netlink)
                }
            }
        }
        do {
            try runtime.create(id: name, spec: runtimeSpec)
        } catch {
            throw DriverError("container \(name): \(error)")
        }
        try? Data(image.manifestDigest.description.utf8).write(
            to: URL(fileURLWithPath: "\(paths.root)/containers/\(name)/image"))
        if let i = state.containers.firstIndex(where: { $0.name == name }) { state.containers[i].phase = .created }
        try save()
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
        do {
            try runtime.start(id: runtimeID(of: name))
        } catch {
            throw DriverError("container \(name): \(error)")
        }
        refreshDaemon()
    }

    public func stopContainer(_ name: String, timeout: Swift.Duration) async throws {
        let (seconds, atto) = timeout.components
        let grace = seconds * 1000 + atto / 1_000_000_000_000_000
        do {
            try runtime.stop(id: runtimeID(of: name), graceMilliseconds: grace)
        } catch RuntimeError.notFound {
            return
        } catch {
            throw DriverError("container \(name): \(error)")
        }
        refreshDaemon()
    }

    public func removeContainer(_ name: String) async throws {
        let index = state.containers.firstIndex { $0.name == name }
        let id = index.map { state.containers[$0].runtimeID } ?? name
        if let index {
            state.containers[index].phase = .removing
            try save()
        }
        do {
            try runtime.remove(id: id, force: true)
        } catch RuntimeError.notFound {
        } catch {
            throw DriverError("container \(name): \(error)")
        }
        let netlink = try RouteNetlink()
        let details = index.flatMap { state.containers[$0].details }
        for attachment in details?.attachments ?? [] {
            if try netlink.linkIfPresent(named: attachment.hostInterface) != nil {
                try netlink.deleteLink(attachment.hostInterface)
            }
        }
        try NamespaceFile.remove(at: details?.networkNamespace ?? paths.networkNamespace(container: name))
        let anonymous = paths.anonymousVolumes(container: name)
        try TreeRemover(root: paths.root).remove(anonymous)
        state.containers.removeAll { $0.name == name }
        try save()
        refreshDaemon()
    }

    public func waitUntil(
        _ condition: WaitCondition, container: String, deadline: ContinuousClock.Instant
    ) async throws -> WaitOutcome {
        let id = runtimeID(of: container)
        let hasHealthcheck = state.containers.first { $0.name == container }?.details?.hasHealthcheck ?? false
        if condition == .healthy && !hasHealthcheck { return .noHealthcheck }
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
                    return .unhealthy(
                        lastOutput: await recentLogs(container: container, lines: 5).joined(separator: "\n"))
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
