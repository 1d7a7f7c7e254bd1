import BerthImage
import BerthModel
import BerthNetwork
import BerthRuntime
import Foundation

/// Merges a compose service with its image into the runtime's container spec, following
/// docker's rules (entrypoint/command, environment order, image defaults for working dir,
/// user, healthcheck and stop signal), so a stack behaves as it would under compose.
/// Pure: every host path it needs is handed in.
public struct ServiceSpecBuilder: Sendable {
    /// One network the container is on, as the driver attached it.
    public struct NetworkEndpoint: Sendable, Equatable {
        public var network: String
        public var address: IPv4Address
        public var gateway: IPv4Address
        public var aliases: [String]

        public init(network: String, address: IPv4Address, gateway: IPv4Address, aliases: [String]) {
            self.network = network
            self.address = address
            self.gateway = gateway
            self.aliases = aliases
        }
    }

    public var service: Service
    public var image: StoredImage
    public var project: String
    public var replica: Int
    public var containerName: String
    /// In attachment order; the first one's gateway is the container's DNS server.
    public var endpoints: [NetworkEndpoint]
    /// Volume key in the stack file → host directory holding its data.
    public var volumePaths: [String: String]
    /// Directory for this container's anonymous volumes (one subdirectory each).
    public var anonymousVolumeDirectory: String
    /// The network namespace file the container joins; nil for `network_mode: host`.
    public var networkNamespacePath: String?

    public init(
        service: Service, image: StoredImage, project: String, replica: Int, containerName: String,
        endpoints: [NetworkEndpoint], volumePaths: [String: String], anonymousVolumeDirectory: String,
        networkNamespacePath: String?
    ) {
        self.service = service
        self.image = image
        self.project = project
        self.replica = replica
        self.containerName = containerName
        self.endpoints = endpoints
        self.volumePaths = volumePaths
        self.anonymousVolumeDirectory = anonymousVolumeDirectory
        self.networkNamespacePath = networkNamespacePath
    }

    var name: String { service.name.rawValue }

    /// The container's hostname: the service's, else its container name.
    public var hostname: String { service.hostname ?? containerName }

    public func build() throws(DriverError) -> BerthRuntime.ContainerSpec {
        try rejectUnsupported()
        var spec = BerthRuntime.ContainerSpec(
            lowerDirectories: image.layerDirectories.reversed(), process: ProcessSpec(arguments: try arguments()))
        spec.process.environment = environment()
        spec.process.user = service.user ?? image.config.user.flatMap { $0.isEmpty ? nil : $0 }
        spec.process.workingDirectory =
            service.workingDir ?? image.config.workingDirectory.flatMap {
                $0.isEmpty ? nil : $0
            } ?? "/"
        spec.process.terminal = service.tty
        spec.readOnlyRootfs = service.readOnly
        spec.hostname = hostname
        spec.domainname = service.domainname
        spec.initProcess = service.initProcess
        spec.mounts = try mounts()
        spec.namespaces = try namespaces()
        spec.etcFiles = etcFiles()
        spec.security = try security()
        spec.resources = resources()
        spec.rlimits = service.ulimits.keys.sorted().compactMap { key in
            service.ulimits[key].map {
                ResourceLimit(name: key, soft: Ulimit.rlimit($0.soft), hard: Ulimit.rlimit($0.hard))
            }
        }
        spec.sysctls = service.sysctls
        spec.stopSignal = try stopSignal()
        spec.stopGraceMilliseconds = (service.stopGracePeriod?.nanoseconds ?? 10_000_000_000) / 1_000_000
        spec.restartPolicy = restartPolicy()
        spec.healthcheck = healthcheck()
        return spec
    }

    /// Whether the container will run a healthcheck (the service's, else the image's).
    public var hasHealthcheck: Bool { healthcheck() != nil }

    // MARK: process

    /// docker's merge (moby's config merge, which compose relies on): a service entrypoint
    /// drops the image's CMD unless the service gives a command; a service command alone runs
    /// after the image's entrypoint. An empty list counts as unset for the command, while an
    /// empty entrypoint clears the image's and still runs the image's CMD.
    func arguments() throws(DriverError) -> [String] {
        let argv: [String]
        if let entrypoint = service.entrypoint, !entrypoint.isEmpty {
            argv = entrypoint + (service.command ?? [])
        } else {
            let command = service.command.flatMap { $0.isEmpty ? nil : $0 } ?? image.config.command ?? []
            argv = (service.entrypoint == nil ? image.config.entrypoint ?? [] : []) + command
        }
        guard !argv.isEmpty else {
            throw DriverError(
                "service \(name): nothing to run (no command or entrypoint in the service or its image)",
                hint: "set 'command' in the stack file")
        }
        return argv
    }

    /// Image `Env` first, then the service's `environment` overriding by key.
    func environment() -> [String] {
        var order: [String] = []
        var values: [String: String] = [:]
        func set(_ key: String, _ value: String) {
            if values[key] == nil { order.append(key) }
            values[key] = value
        }
        set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        set("HOSTNAME", hostname)
        for entry in image.config.environment {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            set(String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        for key in service.environment.keys.sorted() { set(key, service.environment[key] ?? "") }
        return order.map { "\($0)=\(values[$0] ?? "")" }
    }

    func stopSignal() throws(DriverError) -> Int32 {
        if let signal = service.stopSignal { return signal.number }
        if let text = image.config.stopSignal, !text.isEmpty {
            do {
                return try Signal(parsing: text).number
            } catch {
                throw DriverError(
                    "service \(name): the image's StopSignal '\(text)' is not a signal berth knows",
                    hint: "set 'stop_signal' in the stack file")
            }
        }
        return 15
    }

    func restartPolicy() -> BerthRuntime.RestartPolicy {
        if let restart = service.restart {
            switch restart {
            case .no: return .no
            case .always: return .always
            case .unlessStopped: return .unlessStopped
            case .onFailure(let n): return .onFailure(maxRetries: n)
            }
        }
        if let policy = service.deploy?.restartPolicy {
            switch policy.condition {
            case .some(.none): return .no
            case .some(.onFailure): return .onFailure(maxRetries: policy.maxAttempts)
            case .some(.any), nil: return .always
            }
        }
        return .no
    }

    func healthcheck() -> HealthcheckSpec? {
        let imageCheck = image.config.healthcheck
        if let check = service.healthcheck, check.disabled { return nil }
        let test: HealthcheckSpec.Test
        switch service.healthcheck?.test {
        case .exec(let args): test = .command(args)
        case .shell(let command): test = .shell(command)
        case nil:
            switch imageCheck?.test {
            case .command(let args): test = .command(args)
            case .shell(let command): test = .shell(command)
            case .disabled, .inherit, nil: return nil
            }
        }
        var spec = HealthcheckSpec(test: test)
        func ms(_ service: BerthModel.Duration?, _ image: Swift.Duration?) -> Int64? {
            if let service { return service.nanoseconds / 1_000_000 }
            if let image {
                let (s, atto) = image.components
                return s * 1000 + atto / 1_000_000_000_000_000
            }
            return nil
        }
        let own = service.healthcheck
        if let v = ms(own?.interval, imageCheck?.interval) { spec.intervalMilliseconds = v }
        if let v = ms(own?.timeout, imageCheck?.timeout) { spec.timeoutMilliseconds = v }
        if let v = ms(own?.startPeriod, imageCheck?.startPeriod) { spec.startPeriodMilliseconds = v }
        if let v = ms(own?.startInterval, imageCheck?.startInterval) { spec.startIntervalMilliseconds = v }
        if let retries = own?.retries ?? imageCheck?.retries { spec.retries = retries }
        return spec
    }

    // MARK: filesystem

    func mounts() throws(DriverError) -> [MountSpec] {
        var result: [MountSpec] = []
        var targets = Set<String>()
        for (index, mount) in service.volumes.enumerated() {
            targets.insert(mount.target)
            switch mount.kind {
            case .bind:
                guard let source = mount.source else {
                    throw DriverError("service \(name): volumes[\(index)] is a bind mount without a source")
                }
                if mount.propagation != nil || mount.selinux != nil {
                    throw DriverError.unsupported(
                        name, "volumes[\(index)] propagation/selinux",
                        "bind mounts are private; remove the propagation and z/Z options")
                }
                result.append(MountSpec(kind: .bind(source: source), target: mount.target, readOnly: mount.readOnly))
            case .volume:
                var source: String
                if let key = mount.source {
                    guard let path = volumePaths[key] else {
                        throw DriverError(
                            "service \(name): volume '\(key)' (volumes[\(index)]) has no data directory",
                            hint: "declare it under the top-level 'volumes' key")
                    }
                    source = path
                } else {
                    source = anonymousPath(index: index)
                }
                if let subpath = mount.subpath { source += "/" + subpath }
                result.append(MountSpec(kind: .bind(source: source), target: mount.target, readOnly: mount.readOnly))
            case .tmpfs:
                result.append(
                    MountSpec(
                        kind: .tmpfs(sizeBytes: mount.tmpfsSize?.bytes, mode: mount.tmpfsMode), target: mount.target,
                        readOnly: mount.readOnly))
            }
        }
        for tmpfs in service.tmpfs {
            targets.insert(tmpfs.target)
            var size: Int64?
            var mode: UInt32?
            var readOnly = false
            for option in tmpfs.options {
                if option.hasPrefix("size=") {
                    size = try? ByteCount(parsing: String(option.dropFirst(5))).bytes
                } else if option.hasPrefix("mode="), let m = UInt32(option.dropFirst(5), radix: 8) {
                    mode = m
                } else if option == "ro" {
                    readOnly = true
                } else if option != "rw" {
                    throw DriverError.unsupported(
                        name, "tmpfs option \(option)", "berth's tmpfs takes size=, mode= and ro/rw")
                }
            }
            result.append(
                MountSpec(kind: .tmpfs(sizeBytes: size, mode: mode), target: tmpfs.target, readOnly: readOnly))
        }
        // Paths the image declares as VOLUME get an anonymous volume, as with docker.
        for (index, path) in image.config.volumes.sorted().enumerated() where !targets.contains(path) {
            result.append(MountSpec(kind: .bind(source: anonymousPath(index: 1000 + index)), target: path))
        }
        return result
    }

    /// Anonymous volume directories, numbered by mount position so recreation is stable.
    public func anonymousPath(index: Int) -> String { "\(anonymousVolumeDirectory)/\(index)" }

    /// (host directory, container target, copy image content) for each volume mount that needs
    /// a directory on the host, so the driver can create and seed them before start.
    public var volumeDirectories: [(path: String, target: String, seed: Bool)] {
        var result: [(String, String, Bool)] = []
        var targets = Set<String>()
        for (index, mount) in service.volumes.enumerated() {
            targets.insert(mount.target)
            guard mount.kind == .volume else { continue }
            var path = mount.source.flatMap { volumePaths[$0] } ?? anonymousPath(index: index)
            if let subpath = mount.subpath { path += "/" + subpath }
            result.append((path, mount.target, !mount.noCopy && mount.subpath == nil))
        }
        targets.formUnion(service.tmpfs.map(\.target))
        for (index, path) in image.config.volumes.sorted().enumerated() where !targets.contains(path) {
            result.append((anonymousPath(index: 1000 + index), path, true))
        }
        return result
    }

    // MARK: namespaces and names

    func namespaces() throws(DriverError) -> NamespaceSpec {
        var spec = NamespaceSpec()
        switch service.networkMode {
        case nil, .some(.none):
            if let networkNamespacePath { spec.network = .join(path: networkNamespacePath) }
        case .some(.host):
            spec.network = .host
        case .some(let other):
            throw DriverError.unsupported(
                name, "network_mode: \(other)", "put the services on a shared network and address them by name")
        }
        switch service.pid {
        case nil, .some(.private): break
        case .some(.host): spec.pid = .host
        case .some(let other):
            throw DriverError.unsupported(name, "pid: \(other)", "use 'host' or leave it out")
        }
        switch service.ipc {
        case nil, .some(.private), .some(.shareable), .some(.none): break
        case .some(.host): spec.ipc = .host
        case .some(let other):
            throw DriverError.unsupported(name, "ipc: \(other)", "use 'host', 'private' or leave it out")
        }
        return spec
    }

    func etcFiles() -> EtcFiles {
        var files = EtcFiles()
        files.hostname = hostname + "\n"
        if service.networkMode == .host { return files }
        var hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        let fqdn = service.domainname.map { "\(hostname).\($0) " } ?? ""
        for endpoint in endpoints {
            var names = [fqdn + hostname]
            if containerName != hostname { names.append(containerName) }
            names.append(contentsOf: endpoint.aliases.filter { !names.contains($0) })
            hosts += "\(endpoint.address)\t\(names.joined(separator: " "))\n"
        }
        for extra in service.extraHosts { hosts += "\(extra.address)\t\(extra.hostname)\n" }
        files.hosts = hosts
        var resolv = ""
        if let gateway = endpoints.first?.gateway { resolv += "nameserver \(gateway)\n" }
        if !service.dnsSearch.isEmpty { resolv += "search \(service.dnsSearch.joined(separator: " "))\n" }
        if !service.dnsOptions.isEmpty { resolv += "options \(service.dnsOptions.joined(separator: " "))\n" }
        files.resolvConf = resolv
        return files
    }

    // MARK: security and resources

    func security() throws(DriverError) -> SecuritySpec {
        var spec = SecuritySpec()
        spec.privileged = service.privileged
        spec.capabilityAdd = service.capAdd.map(\.name)
        spec.capabilityDrop = service.capDrop.map(\.name)
        for option in service.securityOptions {
            switch option {
            case .noNewPrivileges(let on): spec.noNewPrivileges = on
            case .seccompUnconfined: spec.seccomp = .unconfined
            case .seccompProfile(let path):
                guard let bytes = try? readFile(path) else {
                    throw DriverError(
                        "service \(name): cannot read the seccomp profile \(path)",
                        hint: "check the security_opt path (relative paths are against the project directory)")
                }
                spec.seccomp = .profile(source: path, json: bytes)
            }
        }
        return spec
    }

    func resources() -> ResourceSpec {
        var spec = ResourceSpec()
        let limits = service.deploy?.limits
        // 0 means no limit, as in docker (the parser refused every other value the kernel would).
        spec.memoryBytes = (service.memoryLimit ?? limits?.memory).map(\.bytes).flatMap { $0 > 0 ? $0 : nil }
        spec.cpuMillis = (service.cpus ?? limits?.cpus).map { $0.nanoCPUs / 1_000_000 }.flatMap { $0 > 0 ? $0 : nil }
        spec.pidsLimit = (service.pidsLimit ?? limits?.pids).map(Int64.init)
        if let shm = service.shmSize { spec.shmSizeBytes = shm.bytes }
        return spec
    }

    func rejectUnsupported() throws(DriverError) {
        // `dns:` servers are the upstream of berth's DNS server for this service's queries (the
        // container's resolv.conf still names the gateway, so service names keep resolving);
        // that relay is IPv4.
        for server in service.dns where IPv4Address(server.description) == nil {
            throw DriverError.unsupported(name, "dns: \(server)", "berth relays to IPv4 DNS servers only")
        }
        if !service.configs.isEmpty || !service.secrets.isEmpty {
            throw DriverError.unsupported(
                name, service.configs.isEmpty ? "secrets" : "configs", "bind-mount the file with 'volumes' instead")
        }
        if !service.groupAdd.isEmpty {
            throw DriverError.unsupported(name, "group_add", "run as a user whose groups are in the image")
        }
        if service.stdinOpen {
            throw DriverError.unsupported(name, "stdin_open", "use 'berth exec' to talk to a running container")
        }
        try rejectUnsupportedDeployFields()
        if let platform = service.platform, platform != "linux/\(image.config.architecture)" {
            throw DriverError(
                "service \(name): platform \(platform) does not match the image (linux/\(image.config.architecture))",
                hint: "berth runs images of the host's platform only")
        }
    }

    /// `deploy` fields no part of berth acts on yet: an error, so nobody believes a rollout is
    /// paced or a reservation is held when it is not. `update_config.order` and
    /// `failure_action` are honoured by the engine; `restart_policy` condition and
    /// max_attempts by the supervisor.
    func rejectUnsupportedDeployFields() throws(DriverError) {
        guard let deploy = service.deploy else { return }
        var fields: [String] = []
        if deploy.reservations != nil { fields.append("deploy.resources.reservations") }
        if deploy.rollbackConfig != nil { fields.append("deploy.rollback_config") }
        if let update = deploy.updateConfig {
            if let parallelism = update.parallelism, parallelism != 1 {
                fields.append("deploy.update_config.parallelism")
            }
            if update.delay != nil { fields.append("deploy.update_config.delay") }
            if update.monitor != nil { fields.append("deploy.update_config.monitor") }
            if update.maxFailureRatio != nil { fields.append("deploy.update_config.max_failure_ratio") }
        }
        if let policy = deploy.restartPolicy {
            if policy.delay != nil { fields.append("deploy.restart_policy.delay") }
            if policy.window != nil { fields.append("deploy.restart_policy.window") }
        }
        guard let first = fields.first else { return }
        throw DriverError.unsupported(
            name, first,
            "berth rolls out one replica at a time, restarts with its own backoff and reserves nothing; remove \(fields.joined(separator: ", "))"
        )
    }

    private func readFile(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}
