import BerthFirewall
import BerthNetwork
import BerthRuntime
import BerthState
import BerthSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The per-project network daemon: one DNS server per network on its gateway address and one
/// proxy per published port, kept in line with the project's record and the containers'
/// health. It re-reads both every second and at once on SIGHUP (sent by every command that
/// changes the project), and exits when the project has nothing left or another daemon took
/// over. Run by `berth-supervisor netd` (`DaemonSupervisor`), whose pid is the one recorded for the project.
public final class NetworkDaemon {
    struct PortKey: Hashable {
        var hostIP: String
        var hostPort: Int
        var transport: String
    }

    enum Proxy {
        case tcp(TCPProxy)
        case udp(UDPProxy)

        var backends: BackendSet {
            switch self {
            case .tcp(let p): return p.backends
            case .udp(let p): return p.backends
            }
        }

        func stop() {
            switch self {
            case .tcp(let p): p.stop()
            case .udp(let p): p.stop()
            }
        }
    }

    let project: String
    let paths: DriverPaths
    let store: StateStore
    let runtime: Runtime
    var dnsServers: [String: (gateway: IPv4Address, server: DNSServer)] = [:]
    let scope = DNSScope()
    /// Shared by the servers of routed networks: the host's resolvers, per-service `dns:`.
    let upstream = DNSUpstream()
    /// The resolv.conf whose nameservers take names outside the stack: that of the network
    /// namespace berth runs in, or the file `BERTH_RESOLV_CONF` names (tests point it at a
    /// resolver they run themselves).
    let resolvConf = ProcessInfo.processInfo.environment["BERTH_RESOLV_CONF"] ?? "/etc/resolv.conf"
    let hostNetworks: HostNetworkStore
    /// DNS locks of shared networks this daemon serves.
    var sharedLocks: [String: FileDescriptor] = [:]
    var proxies: [PortKey: Proxy] = [:]
    /// The port DNAT rules last written to the kernel (nil: none written yet).
    var kernelPorts: [PublishedPort]?
    /// Passes since the project's network rules were last checked.
    var passesSinceRuleCheck = 0
    var reported = Set<String>()
    /// The pid recorded for the project: the supervisor that started this process.
    let daemonPid: Int32

    public init(root: String, project: String) {
        self.project = project
        self.daemonPid = getppid()
        self.paths = DriverPaths(root: root)
        self.store = StateStore(root: root)
        self.runtime = Runtime(root: root)
        self.hostNetworks = HostNetworkStore(root: root)
    }

    /// Runs until the project is gone; returns the exit status.
    public func run() -> Int32 {
        HangupSignal.install()
        AtomicFile.removeStaleTemporaries(in: "\(paths.root)/projects/\(project)")
        AtomicFile.removeStaleTemporaries(in: hostNetworks.directory)
        try? AtomicFile.write(paths.daemonReady(project: project), String(daemonPid), durable: false)
        log("serving project \(project)")
        var outcome: (reason: String, status: Int32)?
        while true {
            outcome = reconcile()
            if outcome != nil { break }
            for _ in 0..<20 {
                if HangupSignal.takePending() { break }
                usleep(50_000)
            }
        }
        for entry in dnsServers.values { entry.server.stop() }
        if kernelPorts?.isEmpty == false {
            do {
                try Firewall(root: paths.root).publish(project: project, ports: [])
            } catch {
                log("cannot remove the published-port rules of \(project): \(error)")
            }
        }
        for proxy in proxies.values { proxy.stop() }
        let gaveUp = !sharedLocks.isEmpty
        for lock in sharedLocks.values { lock.close() }
        if gaveUp { SharedNetworkPeers(root: paths.root, project: project).nudge() }
        let status = outcome?.status ?? 0
        if status == 0, let ready = FileManager.default.contents(atPath: paths.daemonReady(project: project)),
            String(decoding: ready, as: UTF8.self) == String(daemonPid)
        {
            unlink(paths.daemonReady(project: project))
        }
        log("exiting: \(outcome?.reason ?? "done")")
        return status
    }

    /// One pass; why the daemon should exit (and its status: 0 when it is done, else its
    /// supervisor restarts it), or nil to go on.
    func reconcile() -> (reason: String, status: Int32)? {
        let request = FileManager.default.contents(atPath: paths.daemonRequest(project: project))
        defer {
            if let request {
                try? AtomicFile.write(paths.daemonApplied(project: project), Array(request), durable: false)
            }
        }
        let loaded: ProjectState?
        do {
            loaded = try store.load(project: project)
        } catch {
            return ("cannot read the project's state: \(error)", 1)
        }
        guard let state = loaded else { return ("project \(project) has no state left", 0) }
        if state.containers.isEmpty && state.networks.isEmpty {
            return ("project \(project) has nothing left to serve", 0)
        }
        if let owner = state.networkDaemonPid, owner != daemonPid, owner != getpid(), kill(owner, 0) == 0 {
            return ("another network daemon (pid \(owner)) serves project \(project)", 0)
        }
        var backends: [PortKey: [SocketAddressV4]] = [:]
        var kernel: [PortKey: PublishedPort] = [:]
        let internalNetworks = internalNetworkNames(state)
        for container in state.containers where container.phase == .created {
            guard let details = container.details else { continue }
            let current = try? runtime.state(id: container.runtimeID)
            let running = current?.status == .running
            let serving = running && (current?.health == nil || current?.health == .healthy)
            for port in details.ports {
                let key = PortKey(hostIP: port.hostIP, hostPort: port.hostPort, transport: port.transport)
                if backends[key] == nil { backends[key] = [] }
                if serving, let first = details.attachments.first, let address = IPv4Address(first.address) {
                    backends[key, default: []].append(address.socketAddress(port: UInt16(port.targetPort)))
                    // The kernel serves ports of containers that can answer other hosts
                    // (a default route, i.e. a routed first network); others stay with the proxy.
                    if !internalNetworks.contains(first.network) {
                        kernel[
                            key,
                            default: PublishedPort(
                                hostIP: port.hostIP, hostPort: port.hostPort, transport: port.transport,
                                targetPort: port.targetPort, backends: [])
                        ].backends.append(first.address)
                    }
                }
            }
        }
        updateScope(own: state)
        updateUpstream()
        updateDNS(servedNetworks(state))
        updateProxies(backends)
        restoreNetworkRules(state)
        updateKernelPorts(
            kernel.values.sorted { ($0.hostIP, $0.hostPort, $0.transport) < ($1.hostIP, $1.hostPort, $1.transport) })
        return nil
    }

    /// Names of every project's running containers, tagged with their network, and the
    /// networks of every container address: all servers answer each asker with its own
    /// networks only (`DNSScope`). Other projects count because a network made with
    /// `berth network create` is shared.
    func updateScope(own state: ProjectState) {
        var records: [DNSScope.Record] = []
        var members: [IPv4Address: Set<String>] = [:]
        for name in Set(store.projects()).union([project]).sorted() {
            guard let projectState = name == project ? state : (try? store.load(project: name)) else { continue }
            for container in projectState.containers where container.phase == .created {
                guard let details = container.details else { continue }
                let networks = Set(details.attachments.map(\.network))
                let current = try? runtime.state(id: container.runtimeID)
                let resolvable = current?.status == .running && current?.health != .unhealthy
                for attachment in details.attachments {
                    guard let address = IPv4Address(attachment.address) else { continue }
                    members[address] = networks
                    guard resolvable else { continue }
                    let names = ServiceNames.names(
                        service: container.service, project: name, containerName: container.name,
                        aliases: attachment.aliases)
                    records.append(DNSScope.Record(names: names, address: address, network: attachment.network))
                }
            }
        }
        scope.replaceAll(records: records, members: members)
    }

    /// The host's resolvers, re-read each pass (resolv.conf changes with DHCP and VPNs), and
    /// the `dns:` servers of every project's containers by their addresses.
    func updateUpstream() {
        let text = FileManager.default.contents(atPath: resolvConf).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var perAsker: [IPv4Address: [IPv4Address]] = [:]
        for name in Set(store.projects()).union([project]) {
            for container in (try? store.load(project: name))?.containers ?? [] {
                let servers = container.definition.filter { $0.path.hasPrefix("dns[") }.compactMap {
                    IPv4Address($0.value)
                }
                guard !servers.isEmpty else { continue }
                for attachment in container.details?.attachments ?? [] {
                    if let address = IPv4Address(attachment.address) { perAsker[address] = servers }
                }
            }
        }
        upstream.replaceAll(defaults: DNSUpstream.nameservers(inResolvConf: text), perAsker: perAsker)
    }

    /// The project's own networks, plus the shared networks its containers are on whose DNS
    /// this daemon owns. One address can hold port 53 once, so each shared network has one
    /// server, run by whichever daemon holds the network's DNS lock; it answers for every
    /// project (the scope is global), and when its daemon exits the lock passes to the next
    /// daemon's reconcile pass within a second.
    func servedNetworks(_ state: ProjectState) -> [ServedNetwork] {
        var served: [ServedNetwork] = state.networks.filter { $0.phase == .created }
            .compactMap { record in
                IPv4Address(record.gateway).map {
                    ServedNetwork(
                        name: record.name, gateway: $0,
                        isInternal: record.definition.contains { $0.path == "internal" && $0.value == "true" })
                }
            }
        let own = Set(served.map(\.name))
        var shared = Set<String>()
        for container in state.containers {
            for attachment in container.details?.attachments ?? [] where !own.contains(attachment.network) {
                shared.insert(attachment.network)
            }
        }
        for (name, lock) in sharedLocks where !shared.contains(name) {
            dnsServers[name]?.server.stop()
            dnsServers[name] = nil
            lock.close()
            sharedLocks[name] = nil
        }
        for name in shared.sorted() {
            guard let record = try? hostNetworks.load(name), record.phase == .created,
                let gateway = IPv4Address(record.gateway)
            else { continue }
            if sharedLocks[name] == nil {
                guard
                    let lock = try? FileDescriptor.open(
                        hostNetworks.dnsLock(name), O_RDWR | O_CREAT | O_CLOEXEC, mode: 0o600)
                else { continue }
                guard (try? lock.tryLockExclusive()) == true else {
                    lock.close()
                    continue
                }
                sharedLocks[name] = lock
            }
            served.append(ServedNetwork(name: name, gateway: gateway, isInternal: record.isInternal))
        }
        return served
    }

    struct ServedNetwork {
        var name: String
        var gateway: IPv4Address
        /// No way out, names included: its server does not relay upstream.
        var isInternal: Bool
    }

    func updateDNS(_ networks: [ServedNetwork]) {
        let wanted = Set(networks.map(\.name))
        for (name, entry) in dnsServers where !wanted.contains(name) {
            entry.server.stop()
            dnsServers[name] = nil
        }
        for network in networks {
            let (name, gateway) = (network.name, network.gateway)
            if let entry = dnsServers[name], entry.gateway == gateway { continue }
            dnsServers[name]?.server.stop()
            do {
                let server = try DNSServer(
                    responder: DNSResponder(
                        scope: scope, network: name, upstream: network.isInternal ? nil : upstream),
                    bindTo: gateway.socketAddress(port: 53))
                dnsServers[name] = (gateway, server)
                log("DNS for \(name) on \(gateway):53")
            } catch {
                report("dns \(name)", "cannot serve DNS for \(name) on \(gateway):53: \(error)")
            }
        }
    }

    func updateProxies(_ wanted: [PortKey: [SocketAddressV4]]) {
        for (key, proxy) in proxies where wanted[key] == nil {
            proxy.stop()
            proxies[key] = nil
        }
        for (key, backends) in wanted {
            if let proxy = proxies[key] {
                if proxy.backends.current != backends { proxy.backends.update(backends) }
                continue
            }
            guard let ip = IPv4Address(key.hostIP), let port = UInt16(exactly: key.hostPort) else { continue }
            let set = BackendSet(backends)
            do {
                if key.transport == "udp" {
                    proxies[key] = .udp(try UDPProxy(listenOn: ip.socketAddress(port: port), backends: set))
                } else {
                    proxies[key] = .tcp(try TCPProxy(listenOn: ip.socketAddress(port: port), backends: set))
                }
                log("publishing \(key.hostIP):\(key.hostPort)/\(key.transport)")
            } catch {
                report("port \(key)", "cannot publish \(key.hostIP):\(key.hostPort)/\(key.transport): \(error)")
            }
        }
    }

    /// The project's internal networks and the internal host networks its containers are on.
    func internalNetworkNames(_ state: ProjectState) -> Set<String> {
        var names = Set(
            state.networks.filter { $0.definition.contains { $0.path == "internal" && $0.value == "true" } }.map(\.name)
        )
        for container in state.containers {
            for attachment in container.details?.attachments ?? []
            where (try? hostNetworks.load(attachment.network)).flatMap({ $0 })?.isInternal == true {
                names.insert(attachment.network)
            }
        }
        return names
    }

    /// Every ten passes, installs again the rules of the project's networks that someone else
    /// removed (a reload of the host's firewall drops berth's accepts in its FORWARD chain).
    func restoreNetworkRules(_ state: ProjectState) {
        passesSinceRuleCheck += 1
        guard passesSinceRuleCheck >= 10 else { return }
        passesSinceRuleCheck = 0
        let firewall = Firewall(root: paths.root)
        for record in state.networks where record.phase == .created {
            let network = FirewallNetwork(
                name: record.name, bridge: record.bridge, subnet: record.subnet,
                isInternal: record.definition.contains { $0.path == "internal" && $0.value == "true" })
            do {
                guard try !firewall.isInstalled(network) else { continue }
                try firewall.install(network)
                // `down` may have removed the network meanwhile: then its rules go again.
                let current = try? store.load(project: project)
                guard current?.networks.contains(where: { $0.name == record.name && $0.phase == .created }) == true
                else {
                    try firewall.remove(network: record.name)
                    continue
                }
                log("installed the firewall rules of \(record.name) again (something had removed them)")
            } catch {
                report("rules \(record.name)", "cannot check or restore the firewall rules of \(record.name): \(error)")
            }
        }
    }

    /// Writes the DNAT rules when replicas or their health changed since the last pass (so
    /// the kernel follows a health change within a second). The user-space proxy keeps
    /// holding the port: it answers when no replica serves and for ports the kernel skips.
    func updateKernelPorts(_ ports: [PublishedPort]) {
        guard ports != kernelPorts else { return }
        do {
            try Firewall(root: paths.root).publish(project: project, ports: ports)
            kernelPorts = ports
            reported.remove("kernel ports")
        } catch {
            report("kernel ports", "cannot serve published ports in the kernel (the proxy serves them): \(error)")
        }
    }

    /// Logs a failure once per subject, not once a second.
    func report(_ subject: String, _ message: String) {
        if reported.insert(subject).inserted { log(message) }
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data("berth netd[\(getpid())]: \(message)\n".utf8))
    }
}
