import BerthModel
import BerthNetwork
import BerthState
import BerthSystem

/// Checks every host port the stack publishes before anything is created, so a taken port
/// fails `up` at once with the service and `ports` entry to change.
enum PortCheck {
    static func check(_ topology: Topology, state: ProjectState) throws {
        var ours = Set<String>()
        for container in state.containers {
            for port in container.details?.ports ?? [] {
                ours.insert("\(port.hostIP):\(port.hostPort)/\(port.transport)")
            }
        }
        var seen = Set<String>()
        for service in topology.services {
            for (index, port) in service.ports.enumerated() {
                guard let published = port.published, published.isSingle, port.protocol != .sctp else { continue }
                let hostIP = port.hostIP?.description ?? "127.0.0.1"
                let key = "\(hostIP):\(published.first)/\(port.protocol.rawValue)"
                guard !ours.contains(key), seen.insert(key).inserted, let ip = IPv4Address(hostIP),
                    let number = UInt16(exactly: published.first)
                else { continue }
                do {
                    try PortProbe.checkAvailable(
                        ip.socketAddress(port: number), port.protocol == .udp ? .udp : .tcp)
                } catch {
                    throw StackError.message(
                        "service \(service.name): ports[\(index)] (\(hostIP):\(published.first):\(port.target)/\(port.protocol.rawValue)): \(error)"
                    )
                }
            }
        }
    }

    /// Waits (bounded) until the network daemon listens on every published TCP port.
    static func waitUntilPublished(_ state: ProjectState, timeout: Swift.Duration = .seconds(5)) async {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var pending = Set<PublishedPortRecord>()
        for container in state.containers {
            for port in container.details?.ports ?? [] where port.transport == "tcp" { pending.insert(port) }
        }
        while !pending.isEmpty, clock.now < deadline {
            for port in pending {
                guard let ip = IPv4Address(port.hostIP), let number = UInt16(exactly: port.hostPort) else {
                    pending.remove(port)
                    continue
                }
                if (try? PortProbe.checkAvailable(ip.socketAddress(port: number), .tcp)) == nil { pending.remove(port) }
            }
            if !pending.isEmpty { try? await Task.sleep(for: .milliseconds(50)) }
        }
    }
}
