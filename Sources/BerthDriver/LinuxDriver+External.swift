import BerthModel
import BerthNetwork
import BerthState
import Foundation

/// Joining resources the stack does not own: networks made with `berth network create` and
/// volumes made with `berth volume create`, named with `external: true`.
extension LinuxDriver {
    struct JoinableNetwork {
        var bridge: String
        var subnet: IPv4Subnet
        var gateway: IPv4Address
        var external: Bool
        /// `internal: true`: no default route through it, no way out.
        var isInternal: Bool
    }

    /// The bridge a container of `service` joins for network `key`: the project's own
    /// network, or the host network an external one names.
    func joinableNetwork(key: String, name: String, external: Bool, service: String) throws -> JoinableNetwork {
        if external {
            let record = try externalNetwork(key: key, name: name)
            guard let subnet = try? IPv4Subnet(parsing: record.subnet), let gateway = IPv4Address(record.gateway)
            else { throw DriverError("network \(name): its record has an unreadable subnet or gateway") }
            return JoinableNetwork(
                bridge: record.bridge, subnet: subnet, gateway: gateway, external: true, isInternal: record.isInternal)
        }
        guard let record = state.networks.first(where: { $0.name == name && $0.phase == .created }),
            let subnet = try? IPv4Subnet(parsing: record.subnet), let gateway = IPv4Address(record.gateway)
        else {
            throw DriverError("service \(service): network \(key) does not exist; create it first")
        }
        return JoinableNetwork(
            bridge: record.bridge, subnet: subnet, gateway: gateway, external: false,
            isInternal: topology?.networks.first { $0.key == key }?.internal ?? false)
    }

    func externalNetwork(key: String, name: String) throws -> HostNetworkRecord {
        let hosts = HostNetworkStore(root: paths.root)
        guard let record = try hosts.load(name), record.phase == .created,
            try RouteNetlink().linkIfPresent(named: record.bridge) != nil
        else {
            throw DriverError(
                "network \(name) (networks.\(key)) is external but does not exist",
                hint: "create it with `berth network create \(name)`, or drop 'external: true' so the stack makes it")
        }
        return record
    }

    /// Fails before anything is created when an external network or volume the stack names
    /// is missing, naming it and its key.
    public func checkExternalResources() throws {
        guard let topology else { return }
        for network in topology.networks where network.external {
            _ = try externalNetwork(key: network.key, name: network.name)
        }
        for volume in topology.volumes where volume.external {
            guard FileManager.default.fileExists(atPath: paths.volumeData(volume.name)) else {
                throw DriverError(
                    "volume \(volume.name) (volumes.\(volume.key)) is external but does not exist",
                    hint: "create it with `berth volume create \(volume.name)`, or drop 'external: true'")
            }
        }
    }

    /// Every project's containers, this one's as the driver holds them now: addresses on a
    /// shared network must not collide across projects.
    func allContainers() -> [ContainerRecord] {
        var containers = state.containers
        for other in store.projects() where other != project {
            containers += (try? store.load(project: other))?.containers ?? []
        }
        return containers
    }
}
