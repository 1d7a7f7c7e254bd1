import BerthFirewall
import BerthModel
import BerthNetwork
import BerthState
import BerthSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A network made with `berth network create`: a bridge that belongs to no stack, so several
/// stacks can join it (`external: true`) and none of them removes it on `down`.
public struct HostNetworkRecord: Codable, Sendable, Equatable {
    public var name: String
    /// The Linux bridge (`btbr…`).
    public var bridge: String
    public var subnet: String
    public var gateway: String
    /// Internal networks get no forwarding, no masquerade and no default route in containers.
    public var isInternal: Bool
    public var createdAt: String
    public var phase: Phase
}

/// A container attached to a network, named for error messages ("in use by ...").
public struct NetworkUser: Sendable, Equatable, CustomStringConvertible {
    public var project: String
    public var container: String
    public var description: String { "\(container) (project \(project))" }
}

/// Host networks under `<root>/networks/<name>.json`, each written atomically, created and
/// removed under one lock file so two commands never pick the same subnet.
public struct HostNetworkStore: Sendable {
    let paths: DriverPaths
    let store: StateStore

    public init(root: String) {
        self.paths = DriverPaths(root: root)
        self.store = StateStore(root: root)
    }

    var directory: String { paths.layout.hostNetworks }
    func path(_ name: String) -> String { "\(directory)/\(name).json" }
    /// Held by the network daemon that serves DNS on this network's gateway.
    func dnsLock(_ name: String) -> String { "\(directory)/\(name).dns.lock" }

    public func load(_ name: String) throws -> HostNetworkRecord? {
        guard ResourceName.isValid(name), let data = FileManager.default.contents(atPath: path(name)) else {
            return nil
        }
        do {
            return try JSONDecoder().decode(HostNetworkRecord.self, from: data)
        } catch {
            throw DriverError(
                "network record \(path(name)) is unreadable: \(error)", hint: "remove the file and the bridge")
        }
    }

    public func list() -> [HostNetworkRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            try? load(String(file.dropLast(".json".count)))
        }
    }

    /// Networks the stacks made (`<project>_<key>`), in the shape of a host network record,
    /// for `network ls` and `network inspect`; a stack network has no creation time on record.
    public func stackNetworks() -> [HostNetworkRecord] {
        store.projects().sorted().flatMap { project in
            ((try? store.load(project: project))?.networks ?? []).map { network in
                HostNetworkRecord(
                    name: network.name, bridge: network.bridge, subnet: network.subnet, gateway: network.gateway,
                    isInternal: network.definition.contains { $0.path == "internal" && $0.value == "true" },
                    createdAt: "", phase: network.phase)
            }
            .sorted { $0.name < $1.name }
        }
    }

    /// berth's firewall rules for the network, as nft lists them (empty when it has none or
    /// nf_tables cannot be read).
    public func firewallRules(of name: String) -> [String] {
        (try? Firewall(root: paths.root).describe(network: name)) ?? []
    }

    /// Containers of any project attached to the network.
    public func users(of name: String) -> [NetworkUser] {
        var users: [NetworkUser] = []
        for project in store.projects() {
            guard let state = try? store.load(project: project) else { continue }
            for container in state.containers
            where (container.details?.attachments ?? []).contains(where: { $0.network == name }) {
                users.append(NetworkUser(project: project, container: container.name))
            }
        }
        return users
    }

    /// Makes the bridge and its record. The record is written as `creating` first, so a
    /// command killed half way leaves something `rm` can clean up.
    public func create(name: String, subnet: String?, gateway: String?, isInternal: Bool) throws -> HostNetworkRecord {
        do { try ResourceName.check(name, kind: "network") } catch {
            throw DriverError("invalid network name: \(error.message)", hint: error.hint)
        }
        let lock = try takeLock()
        defer { lock.close() }
        if let existing = try load(name) {
            throw DriverError(
                "network \(name) already exists (bridge \(existing.bridge), \(existing.subnet))",
                hint: "remove it first with `berth network rm \(name)` or pick another name")
        }
        for project in store.projects()
        where (try? store.load(project: project))?.networks.contains(where: {
            $0.name == name
        }) == true {
            throw DriverError(
                "network name \(name) is taken by a network of project \(project)",
                hint: "pick another name, or bring that project down first")
        }
        var configuredSubnet: IPv4Subnet?
        var configuredGateway: IPv4Address?
        if let subnet {
            do {
                configuredSubnet = try IPv4Subnet(parsing: subnet)
            } catch {
                throw DriverError("--subnet \(subnet) is not an IPv4 subnet (like 10.99.0.0/24): \(error)")
            }
        }
        if let gateway {
            guard let address = IPv4Address(gateway) else {
                throw DriverError("--gateway \(gateway) is not an IPv4 address")
            }
            guard configuredSubnet != nil else { throw DriverError("--gateway needs --subnet") }
            configuredGateway = address
        }
        let netlink = try RouteNetlink()
        var inUse = try netlink.subnetsInUse()
        for record in list() {
            if let taken = try? IPv4Subnet(parsing: record.subnet) { inUse.append(taken) }
        }
        for project in store.projects() {
            for record in (try? store.load(project: project))?.networks ?? [] {
                if let taken = try? IPv4Subnet(parsing: record.subnet) { inUse.append(taken) }
            }
        }
        let addressing: NetworkAddressing
        do {
            addressing = try NetworkAddressing(
                subnet: configuredSubnet, gateway: configuredGateway, pool: .standard, inUse: inUse)
        } catch {
            throw DriverError("network \(name): \(error)")
        }
        var bridgeName = InterfaceNames.bridge(for: "network:\(name)")
        var attempt = 0
        while try netlink.linkIfPresent(named: bridgeName) != nil, attempt < 8 {
            attempt += 1
            bridgeName = InterfaceNames.bridge(for: "network:\(name)", attempt: attempt)
        }
        var record = HostNetworkRecord(
            name: name, bridge: bridgeName, subnet: addressing.subnet.description,
            gateway: addressing.gateway.description, isInternal: isInternal,
            createdAt: ISO8601DateFormatter().string(from: Date()), phase: .creating)
        try save(record)
        do {
            try BridgeNetwork(bridgeName: bridgeName, subnet: addressing.subnet, gateway: addressing.gateway)
                .create(using: netlink, routed: !isInternal)
            try NetworkFirewall.install(
                root: paths.root, name: name, bridge: bridgeName, subnet: addressing.subnet.description,
                isInternal: isInternal)
        } catch {
            try? Firewall(root: paths.root).remove(network: name)
            try? netlink.deleteLink(bridgeName)
            unlink(path(name))
            if let error = error as? DriverError { throw error }  // the firewall's, already located
            throw DriverError("network \(name): cannot create bridge \(bridgeName): \(error)")
        }
        record.phase = .created
        try save(record)
        return record
    }

    /// Removes the bridge and the record; refuses while a container of any project is on it.
    public func remove(_ name: String) throws {
        let lock = try takeLock()
        defer { lock.close() }
        guard let record = try load(name) else {
            throw DriverError("network \(name) does not exist", hint: "see `berth network ls`")
        }
        _ = try store.statesBeforeRemoving("network \(name)")
        let users = users(of: name)
        guard users.isEmpty else {
            throw DriverError(
                "network \(name) is in use by \(users.map(\.description).joined(separator: ", "))",
                hint: "bring those stacks down (or remove those containers) first")
        }
        let netlink = try RouteNetlink()
        try NetworkFirewall.remove(root: paths.root, name: name)
        if try netlink.linkIfPresent(named: record.bridge) != nil { try netlink.deleteLink(record.bridge) }
        unlink(dnsLock(name))
        if unlink(path(name)) != 0, errno != ENOENT { throw SystemCallError("unlink", "\"\(path(name))\"") }
    }

    func save(_ record: HostNetworkRecord) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(path(record.name), Array(try encoder.encode(record)))
    }

    /// Serializes creating, removing and handing out addresses on host networks.
    func takeLock() throws -> FileDescriptor {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = try FileDescriptor.open("\(directory)/.lock", O_RDWR | O_CREAT | O_CLOEXEC, mode: 0o600)
        do {
            try descriptor.lockExclusive()
        } catch {
            descriptor.close()
            throw error
        }
        return descriptor
    }
}
