import BerthDriver

/// A volume as `volume ls`/`inspect` show it, docker's field names where docker has the field.
public struct VolumeDetails: Encodable, Sendable {
    public var Name: String
    public var Driver = "local"
    public var Mountpoint: String
    public var Scope = "local"
    public var Anonymous: Bool
    public var Project: String?
    public var UsedBy: [String]

    init(_ info: VolumeInfo) {
        Name = info.name
        Mountpoint = info.mountpoint
        Anonymous = info.anonymous
        Project = info.project
        UsedBy = info.usedBy
    }
}

/// Volumes outside and across stacks (`berth volume …`).
public struct HostVolumes: Sendable {
    let store: VolumeStore

    /// Creates `name` (an anonymous volume with a random name when nil); the result is its name.
    public func create(_ name: String?) throws -> String {
        try store.create(name).name
    }

    public func list() -> [VolumeDetails] {
        store.list().map(VolumeDetails.init)
    }

    public func inspect(_ name: String) throws -> VolumeDetails {
        VolumeDetails(try store.inspect(name))
    }

    /// Removes a volume no container uses; with `force`, a missing one is not an error.
    public func remove(_ name: String, force: Bool) throws {
        try store.remove(name, force: force)
    }

    /// Removes anonymous volumes no container uses (every unused one with `all`); the result
    /// is their names.
    public func prune(all: Bool) throws -> [String] {
        try store.prune(all: all)
    }
}

/// A bridge network as `network ls`/`inspect` show it, docker's field names where docker
/// has the field.
public struct NetworkDetails: Encodable, Sendable {
    public var Name: String
    public var Driver = "bridge"
    public var Bridge: String
    public var Subnet: String
    public var Gateway: String
    public var Internal: Bool
    public var Created: String
    public var Containers: [String]
    /// berth's nf_tables rules for this network (its chain, its NAT rule, the accepts in the
    /// host's FORWARD chain), as `nft list ruleset` prints them; filled by `inspect`.
    public var Firewall: [String] = []

    init(_ record: HostNetworkRecord, users: [NetworkUser]) {
        Name = record.name
        Bridge = record.bridge
        Subnet = record.subnet
        Gateway = record.gateway
        Internal = record.isInternal
        Created = record.createdAt
        Containers = users.map(\.container)
    }
}

/// Bridge networks that outlive stacks, joined with `external: true` (`berth network …`).
public struct HostNetworks: Sendable {
    let store: HostNetworkStore

    /// Creates the network; the result is its name.
    public func create(name: String, subnet: String?, gateway: String?, isInternal: Bool) throws -> String {
        try store.create(name: name, subnet: subnet, gateway: gateway, isInternal: isInternal).name
    }

    /// Networks made with `network create`, then those the stacks made.
    public func list() -> [NetworkDetails] {
        (store.list() + store.stackNetworks()).map { NetworkDetails($0, users: store.users(of: $0.name)) }
    }

    /// The network (made with `network create` or by a stack) with its firewall rules, or nil
    /// when there is none by that name.
    public func inspect(_ name: String) throws -> NetworkDetails? {
        guard let record = try store.load(name) ?? store.stackNetworks().first(where: { $0.name == name }) else {
            return nil
        }
        var details = NetworkDetails(record, users: store.users(of: name))
        details.Firewall = store.firewallRules(of: name)
        return details
    }

    /// Removes a network no container is attached to.
    public func remove(_ name: String) throws {
        try store.remove(name)
    }
}

extension LinuxHost {
    public var volumes: HostVolumes { HostVolumes(store: VolumeStore(root: root)) }
    public var networks: HostNetworks { HostNetworks(store: HostNetworkStore(root: root)) }
}
