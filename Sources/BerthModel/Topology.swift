/// The typed, validated model of one stack: what `berth up` creates and what plans
/// compare against running state. Built only by `TopologyBuilder`, so every value in it
/// has passed validation.
public struct Topology: Hashable, Sendable {
    public var name: ProjectName
    public var projectDirectory: String
    /// Enabled services, ordered by name.
    public var services: [Service]
    /// Networks by key order, including the implicit `default` when a service uses it.
    public var networks: [Network]
    public var volumes: [Volume]
    public var configs: [FileResource]
    public var secrets: [FileResource]
    /// Services whose profiles are not active; validated, but not part of the stack.
    public var disabledServices: [Service]
    /// Top-level `x-*` fields.
    public var extensions: [String: Value]

    public func service(named name: String) -> Service? {
        services.first { $0.name.rawValue == name }
    }

    /// The content hash of a service (see `Service.contentHash`), nil if there is no such
    /// enabled service.
    public func serviceHash(_ name: String) -> String? {
        service(named: name)?.contentHash
    }

    var canonical: Value {
        var m = ValueMap()
        m.set("name", name.rawValue)
        m.set("services", .map(Dictionary(uniqueKeysWithValues: services.map { ($0.name.rawValue, $0.canonical) })))
        if !networks.isEmpty {
            m.set("networks", .map(Dictionary(uniqueKeysWithValues: networks.map { ($0.key, $0.canonical) })))
        }
        if !volumes.isEmpty {
            m.set("volumes", .map(Dictionary(uniqueKeysWithValues: volumes.map { ($0.key, $0.canonical) })))
        }
        if !configs.isEmpty {
            m.set("configs", .map(Dictionary(uniqueKeysWithValues: configs.map { ($0.key, $0.canonical) })))
        }
        if !secrets.isEmpty {
            m.set("secrets", .map(Dictionary(uniqueKeysWithValues: secrets.map { ($0.key, $0.canonical) })))
        }
        for (k, v) in extensions { m.set(k, v) }
        return m.value
    }

    /// The stack as `docker compose config` would print it: long syntax everywhere, keys
    /// sorted, defaults explicit. Deterministic, and reading it back yields an equal
    /// topology.
    public func canonicalYAML() -> String { YAMLEmitter.document(canonical) }

    /// The same document as JSON with sorted keys.
    public func canonicalJSON() -> String { JSONEmitter.document(canonical) }
}
