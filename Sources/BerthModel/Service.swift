import BerthEncoding
/// One enabled (or profile-disabled) service with every field typed and defaults made
/// explicit. Equal services mean equal containers, which is what plans compare.
public struct Service: Hashable, Sendable {
    public var name: ServiceName
    public var image: String?
    public var command: [String]?
    /// Empty list means "no entrypoint" (overrides the image's), nil means the image's.
    public var entrypoint: [String]?
    /// Final variables: `env_file` contents already merged by the loader, unset `KEY`s dropped.
    public var environment: [String: String] = [:]
    public var envFiles: [EnvFile] = []
    public var workingDir: String?
    public var user: String?
    public var hostname: String?
    public var domainname: String?
    public var labels: [String: String] = [:]
    public var initProcess = false
    public var stopSignal: Signal?
    public var stopGracePeriod: Duration?
    public var sysctls: [String: String] = [:]
    public var shmSize: ByteCount?
    public var dns: [IPAddress] = []
    public var dnsSearch: [String] = []
    public var dnsOptions: [String] = []
    public var memoryLimit: ByteCount?
    public var cpus: CPUCount?
    public var pidsLimit: Int?
    public var containerName: String?
    /// Number of containers (`scale`, or `deploy.replicas`); nil means 1.
    public var scale: Int?
    public var expose: [String] = []
    public var privileged = false
    public var readOnly = false
    public var tty = false
    public var stdinOpen = false
    /// `attach: false` keeps the service's output out of `up`'s log stream.
    public var attach = true
    public var capAdd: [Capability] = []
    public var capDrop: [Capability] = []
    public var groupAdd: [String] = []
    public var profiles: [String] = []
    public var ports: [PortMapping] = []
    public var volumes: [Mount] = []
    public var tmpfs: [TmpfsMount] = []
    public var restart: RestartPolicy?
    public var healthcheck: Healthcheck?
    public var dependsOn: [String: Dependency] = [:]
    public var deploy: Deploy?
    public var ulimits: [String: Ulimit] = [:]
    public var extraHosts: [ExtraHost] = []
    /// Networks joined, by top-level key. Empty when `networkMode` is set.
    public var networks: [String: NetworkAttachment] = [:]
    public var networkMode: NamespaceMode?
    public var pid: NamespaceMode?
    public var ipc: NamespaceMode?
    public var securityOptions: [SecurityOption] = []
    public var pullPolicy: PullPolicy?
    public var platform: String?
    public var configs: [FileReference] = []
    public var secrets: [FileReference] = []
    public var extensions: [String: Value] = [:]
    /// SHA-256 of each file the container's content depends on (env files, configs,
    /// secrets), keyed by field path; part of the hash and of `canonicalFields`.
    public internal(set) var contentDigests: [String: String] = [:]

    public init(name: ServiceName) { self.name = name }

    /// Containers this service runs.
    public var replicas: Int { scale ?? 1 }

    var canonical: Value {
        var m = ValueMap()
        m.set("image", image)
        m.set("command", strings: command)
        m.set("entrypoint", strings: entrypoint)
        if !environment.isEmpty { m.set("environment", stringMap: environment) }
        if !envFiles.isEmpty { m.set("env_file", .list(envFiles.map(\.canonical))) }
        m.set("working_dir", workingDir)
        m.set("user", user)
        m.set("hostname", hostname)
        m.set("domainname", domainname)
        if !labels.isEmpty { m.set("labels", stringMap: labels) }
        m.flag("init", initProcess)
        m.set("stop_signal", stopSignal?.description)
        m.set("stop_grace_period", stopGracePeriod?.description)
        if !sysctls.isEmpty { m.set("sysctls", stringMap: sysctls) }
        m.set("shm_size", shmSize?.canonical)
        if !dns.isEmpty { m.set("dns", strings: dns.map(\.description)) }
        if !dnsSearch.isEmpty { m.set("dns_search", strings: dnsSearch) }
        if !dnsOptions.isEmpty { m.set("dns_opt", strings: dnsOptions) }
        m.set("mem_limit", memoryLimit?.canonical)
        m.set("cpus", cpus?.canonical)
        m.set("pids_limit", pidsLimit)
        m.set("container_name", containerName)
        m.set("scale", scale)
        if !expose.isEmpty { m.set("expose", strings: expose) }
        m.flag("privileged", privileged)
        m.flag("read_only", readOnly)
        m.flag("tty", tty)
        m.flag("stdin_open", stdinOpen)
        if !attach { m.set("attach", false) }
        if !capAdd.isEmpty { m.set("cap_add", strings: capAdd.map(\.name)) }
        if !capDrop.isEmpty { m.set("cap_drop", strings: capDrop.map(\.name)) }
        if !groupAdd.isEmpty { m.set("group_add", strings: groupAdd) }
        if !profiles.isEmpty { m.set("profiles", strings: profiles) }
        if !ports.isEmpty { m.set("ports", .list(ports.map(\.canonical))) }
        if !volumes.isEmpty { m.set("volumes", .list(volumes.map(\.canonical))) }
        if !tmpfs.isEmpty { m.set("tmpfs", .list(tmpfs.map(\.canonical))) }
        m.set("restart", restart?.description)
        m.set("healthcheck", healthcheck?.canonical)
        if !dependsOn.isEmpty { m.set("depends_on", .map(dependsOn.mapValues(\.canonical))) }
        if let deploy, !deploy.isEmpty { m.set("deploy", deploy.canonical) }
        if !ulimits.isEmpty { m.set("ulimits", .map(ulimits.mapValues(\.canonical))) }
        if !extraHosts.isEmpty { m.set("extra_hosts", .list(extraHosts.map(\.canonical))) }
        if !networks.isEmpty { m.set("networks", .map(networks.mapValues(\.canonical))) }
        m.set("network_mode", networkMode?.description)
        m.set("pid", pid?.description)
        m.set("ipc", ipc?.description)
        if !securityOptions.isEmpty { m.set("security_opt", strings: securityOptions.map(\.description)) }
        m.set("pull_policy", pullPolicy?.rawValue)
        m.set("platform", platform)
        if !configs.isEmpty { m.set("configs", .list(configs.map(\.canonical))) }
        if !secrets.isEmpty { m.set("secrets", .list(secrets.map(\.canonical))) }
        for (k, v) in extensions { m.set(k, v) }
        return m.value
    }

    /// The canonical definition flattened to `field.path[index]` → text, plus the content
    /// digests of files it uses. Plans diff these field by field to
    /// explain why a container is recreated.
    public var canonicalFields: [(path: String, value: String)] {
        var fields = canonical.flattened()
        for key in contentDigests.keys.sorted() {
            if let digest = contentDigests[key] { fields.append((key, digest)) }
        }
        return fields
    }

    /// Content hash: stable across key order and formatting of the stack file, and
    /// changing when any used file's content changes.
    public var contentHash: String {
        var hasher = SHA256()
        for field in canonicalFields {
            hasher.update(field.path)
            hasher.update([0])
            hasher.update(field.value)
            hasher.update([0x0A])
        }
        return SHA256.hexString(hasher.finalize())
    }
}
