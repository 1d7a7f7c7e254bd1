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
/// over.
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
    var dnsServers: [String: (gateway: IPv4Address, server: DNSServer, table: DNSRecordTable)] = [:]
    var proxies: [PortKey: Proxy] = [:]
    var reported = Set<String>()

    public init(root: String, project: String) {
        self.project = project
        self.paths = DriverPaths(root: root)
        self.store = StateStore(root: root)
        self.runtime = Runtime(root: root)
    }

    /// Runs until the project is gone; returns the exit status.
    public func run() -> Int32 {
        HangupSignal.install()
        try? Data(String(getpid()).utf8).write(to: URL(fileURLWithPath: paths.daemonReady(project: project)))
        log("serving project \(project)")
        while reconcile() {
            for _ in 0..<20 {
                if HangupSignal.takePending() { break }
                usleep(50_000)
            }
        }
        for entry in dnsServers.values { entry.server.stop() }
        for proxy in proxies.values { proxy.stop() }
        if let ready = FileManager.default.contents(atPath: paths.daemonReady(project: project)),
            String(decoding: ready, as: UTF8.self) == String(getpid())
        {
            unlink(paths.daemonReady(project: project))
        }
        log("project \(project) has nothing left to serve; exiting")
        return 0
    }

    /// One pass; false when the daemon should exit.
    func reconcile() -> Bool {
        let request = FileManager.default.contents(atPath: paths.daemonRequest(project: project))
        defer {
            if let request {
                try? request.write(to: URL(fileURLWithPath: paths.daemonApplied(project: project)), options: .atomic)
            }
        }
        guard let state = try? store.load(project: project) else { return false }
        if state.containers.isEmpty && state.networks.isEmpty { return false }
        if let owner = state.networkDaemonPid, owner != getpid(), kill(owner, 0) == 0 {
            return false
        }
        var names: [String: [(names: [String], address: IPv4Address)]] = [:]
        var backends: [PortKey: [SocketAddressV4]] = [:]
        for container in state.containers where container.phase == .created {
            guard let details = container.details else { continue }
            let current = try? runtime.state(id: container.runtimeID)
            let running = current?.status == .running
            let resolvable = running && current?.health != .unhealthy
            let serving = running && (current?.health == nil || current?.health == .healthy)
            for attachment in details.attachments {
                guard resolvable, let address = IPv4Address(attachment.address) else { continue }
                let entry = ServiceNames.names(
                    service: container.service, project: project, containerName: container.name,
                    aliases: attachment.aliases)
                names[attachment.network, default: []].append((entry, address))
            }
            for port in details.ports {
                let key = PortKey(hostIP: port.hostIP, hostPort: port.hostPort, transport: port.transport)
                if backends[key] == nil { backends[key] = [] }
                if serving, let first = details.attachments.first, let address = IPv4Address(first.address) {
                    backends[key, default: []].append(address.socketAddress(port: UInt16(port.targetPort)))
                }
            }
        }
        // A container asks the DNS server of its first network only, so each server also
        // answers for networks that share a container with it (addresses on those stay
        // unreachable from containers not attached to them: there is no route).
        var linked: [String: Set<String>] = [:]
        for container in state.containers {
            let networks = Set((container.details?.attachments ?? []).map(\.network))
            for network in networks { linked[network, default: [network]].formUnion(networks) }
        }
        var served: [String: [(names: [String], address: IPv4Address)]] = [:]
        for network in state.networks {
            for other in (linked[network.name] ?? [network.name]).sorted() {
                served[network.name, default: []] += names[other] ?? []
            }
        }
        updateDNS(state.networks.filter { $0.phase == .created }, names: served)
        updateProxies(backends)
        return true
    }

    func updateDNS(_ networks: [NetworkRecord], names: [String: [(names: [String], address: IPv4Address)]]) {
        let wanted = Set(networks.map(\.name))
        for (name, entry) in dnsServers where !wanted.contains(name) {
            entry.server.stop()
            dnsServers[name] = nil
        }
        for network in networks {
            guard let gateway = IPv4Address(network.gateway) else { continue }
            let table = ServiceNames.table(names[network.name] ?? [])
            if let entry = dnsServers[network.name], entry.gateway == gateway {
                entry.table.replaceAll(table)
                continue
            }
            dnsServers[network.name]?.server.stop()
            let records = DNSRecordTable(table)
            do {
                let server = try DNSServer(
                    responder: DNSResponder(table: records), bindTo: gateway.socketAddress(port: 53))
                dnsServers[network.name] = (gateway, server, records)
                log("DNS for \(network.name) on \(gateway):53")
            } catch {
                report("dns \(network.name)", "cannot serve DNS for \(network.name) on \(gateway):53: \(error)")
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

    /// Logs a failure once per subject, not once a second.
    func report(_ subject: String, _ message: String) {
        if reported.insert(subject).inserted { log(message) }
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data("berth netd[\(getpid())]: \(message)\n".utf8))
    }
}
