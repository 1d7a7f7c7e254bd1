import BerthPlan

/// Small builders so each test states only what matters to it.
enum Fixture {
    static let project = "demo"

    static func service(
        _ name: String, image: String = "busybox:1.36", replicas: Int = 1, dependsOn: [Dependency] = [],
        networks: [String] = ["demo_default"], volumes: [String] = [], order: UpdateOrder = .stopFirst,
        failureAction: FailureAction = .pause, healthcheck: Bool = false, extra: [Definition.Field] = [],
        digests: [ContentKey: String] = [:], containerName: String? = nil
    ) -> DesiredService {
        DesiredService(
            name: name, replicas: replicas, containerName: containerName, dependsOn: dependsOn, networks: networks,
            volumes: volumes, updateOrder: order, failureAction: failureAction, hasHealthcheck: healthcheck,
            definition: Definition([Definition.Field(path: "image", value: image)] + extra), contentDigests: digests)
    }

    /// The container a converged runtime would report for `service`'s replica `n`.
    static func container(
        _ service: DesiredService, replica: Int = 1, state: ContainerState = .running, name: String? = nil
    ) -> ObservedContainer {
        ObservedContainer(
            name: name ?? service.containerName ?? "\(project)-\(service.name)-\(replica)", service: service.name,
            replica: replica, state: state, definition: service.definition, contentDigests: service.contentDigests,
            dependsOn: service.dependsOn.map(\.service), networks: service.networks, volumes: service.volumes)
    }

    static func desired(
        _ services: [DesiredService], networks: [String] = ["demo_default"], volumes: [DesiredVolume] = []
    ) -> DesiredState {
        DesiredState(
            project: project, services: services, networks: networks.map { DesiredNetwork(name: $0) }, volumes: volumes)
    }

    /// Everything in `desired` running exactly as configured.
    static func converged(_ desired: DesiredState) -> ObservedState {
        ObservedState(
            containers: desired.services.flatMap { s in (0..<s.replicas).map { container(s, replica: $0 + 1) } },
            networks: desired.networks.map { ObservedNetwork(name: $0.name, definition: $0.definition) },
            volumes: desired.volumes.filter { !$0.external }.map {
                ObservedVolume(name: $0.name, definition: $0.definition)
            })
    }
}

extension Plan {
    /// `change resource` per action, the shape most ordering tests compare.
    var steps: [String] { actions.map { "\($0.change.rawValue) \($0.resource)" } }

    func action(_ resource: Resource, _ change: Change? = nil) -> Action? {
        actions.first { $0.resource == resource && (change == nil || $0.change == change) }
    }
}
