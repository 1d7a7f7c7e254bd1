import BerthModel

/// What a driver needs to build a service's containers, carried through the plan so the
/// driver works from the engine's spec alone and never reads the stack again: the validated
/// service, and the networks and volumes it names, by their keys in the stack file.
///
/// A class, immutable: the planner copies desired services many times, and a reference
/// keeps those copies as cheap as before the template rode along.
public final class ContainerTemplate: Hashable, Sendable {
    public let service: Service
    /// Network key → the network (its name on the host, whether it is external).
    public let networks: [String: Network]
    /// Volume key → the volume.
    public let volumes: [String: Volume]

    public init(service: Service, networks: [String: Network], volumes: [String: Volume]) {
        self.service = service
        self.networks = networks
        self.volumes = volumes
    }

    public static func == (lhs: ContainerTemplate, rhs: ContainerTemplate) -> Bool {
        lhs === rhs || (lhs.service == rhs.service && lhs.networks == rhs.networks && lhs.volumes == rhs.volumes)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(service.name.rawValue) }

    /// The template of `service` in `topology`.
    public convenience init(_ service: Service, in topology: Topology) {
        let networkKeys = Set(service.networks.keys)
        let volumeKeys = Set(service.volumes.compactMap { $0.kind == .volume ? $0.source : nil })
        self.init(
            service: service,
            networks: Dictionary(
                topology.networks.filter { networkKeys.contains($0.key) }.map { ($0.key, $0) },
                uniquingKeysWith: { first, _ in first }),
            volumes: Dictionary(
                topology.volumes.filter { volumeKeys.contains($0.key) }.map { ($0.key, $0) },
                uniquingKeysWith: { first, _ in first }))
    }
}
