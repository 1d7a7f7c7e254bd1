/// A transport protocol for published and exposed ports.
public enum PortProtocol: String, Hashable, Sendable, CaseIterable {
    case tcp, udp, sctp
}

/// A single port or an inclusive range (`8000-8005`), 1…65535 (0 only where the kernel
/// picks one).
public struct PortRange: Hashable, Sendable, CustomStringConvertible {
    public var first: Int
    public var last: Int

    public init(_ first: Int, _ last: Int? = nil) {
        self.first = first
        self.last = last ?? first
    }

    public var count: Int { last - first + 1 }
    public var isSingle: Bool { first == last }

    init(parsing text: String, what: String) throws(ValueError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, let a = PortRange.port(parts[0]), let b = PortRange.port(parts.last ?? "") else {
            throw ValueError(
                "'\(text)' is not a valid \(what)", hint: "ports are numbers 1-65535, ranges are 'low-high'")
        }
        guard a <= b else { throw ValueError("port range '\(text)' runs backwards", hint: "write it as '\(b)-\(a)'") }
        self.first = a
        self.last = b
    }

    private static func port(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 5, s.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(s), v >= 1,
            v <= 65535
        else { return nil }
        return v
    }

    public func overlaps(_ other: PortRange) -> Bool { first <= other.last && other.first <= last }

    public var description: String { isSingle ? String(first) : "\(first)-\(last)" }
}

/// One published (or only exposed-to-host) container port, in the long form compose
/// prints. Short forms with a container port range become one mapping per port, as in
/// `docker compose config`.
public struct PortMapping: Hashable, Sendable {
    public enum Mode: String, Hashable, Sendable { case ingress, host }

    public var target: Int
    /// Nil means the runtime picks a free host port.
    public var published: PortRange?
    public var hostIP: IPAddress?
    public var `protocol`: PortProtocol
    public var mode: Mode
    public var name: String?
    public var appProtocol: String?

    public init(
        target: Int, published: PortRange? = nil, hostIP: IPAddress? = nil, protocol: PortProtocol = .tcp,
        mode: Mode = .ingress, name: String? = nil, appProtocol: String? = nil
    ) {
        self.target = target
        self.published = published
        self.hostIP = hostIP
        self.protocol = `protocol`
        self.mode = mode
        self.name = name
        self.appProtocol = appProtocol
    }

    /// Every short form: `80`, `8080:80`, `127.0.0.1:8080:80`, `127.0.0.1::80`,
    /// `8000-8005:80-85`, `9090-9091:8080`, `[::1]:80:80`, each with `/tcp|udp|sctp`.
    static func parseShort(_ text: String) throws(ValueError) -> [PortMapping] {
        var spec = text
        var proto = PortProtocol.tcp
        if let slash = spec.lastIndex(of: "/") {
            let p = String(spec[spec.index(after: slash)...])
            guard let known = PortProtocol(rawValue: p.lowercased()) else {
                throw ValueError("unknown protocol '\(p)' in port '\(text)'", hint: "use tcp, udp or sctp")
            }
            proto = known
            spec = String(spec[..<slash])
        }
        var ipText: String?
        if spec.hasPrefix("[") {
            guard let close = spec.firstIndex(of: "]") else {
                throw ValueError("'\(text)' has an unclosed '[' around the host IP")
            }
            ipText = String(spec[spec.index(after: spec.startIndex)..<close])
            spec = String(spec[spec.index(after: close)...])
            guard spec.hasPrefix(":") else { throw ValueError("'\(text)' needs ':' after the bracketed host IP") }
            spec.removeFirst()
        }
        var parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if ipText == nil, parts.count == 3 {
            ipText = parts.removeFirst()
        } else if ipText != nil {
            guard parts.count == 2 else {
                throw ValueError("'\(text)' is not a port mapping", hint: "write [IP]:HOST:CONTAINER")
            }
        }
        guard parts.count <= 2 else {
            throw ValueError(
                "'\(text)' is not a port mapping",
                hint: "write CONTAINER, HOST:CONTAINER or IP:HOST:CONTAINER; put an IPv6 host address in brackets")
        }
        var hostIP: IPAddress?
        if let ipText {
            guard let ip = IPAddress(ipText) else {
                throw ValueError("'\(ipText)' in port '\(text)' is not an IP address")
            }
            hostIP = ip
        }
        let target = try PortRange(parsing: parts.last ?? "", what: "container port")
        var published: PortRange?
        if parts.count == 2, !parts[0].isEmpty {
            published = try PortRange(parsing: parts[0], what: "host port")
        }
        if target.isSingle {
            return [PortMapping(target: target.first, published: published, hostIP: hostIP, protocol: proto)]
        }
        if let published {
            guard published.count == target.count else {
                throw ValueError(
                    "port ranges in '\(text)' differ in length (\(published.count) host ports, \(target.count) container ports)",
                    hint: "map a host range to a container range of the same length, or a host range to one port")
            }
        }
        return (0..<target.count).map { i in
            PortMapping(
                target: target.first + i, published: published.map { PortRange($0.first + i) }, hostIP: hostIP,
                protocol: proto)
        }
    }

    var canonical: Value {
        var m = ValueMap()
        m.set("target", target)
        m.set("published", published?.description)
        m.set("host_ip", hostIP?.description)
        m.set("protocol", self.protocol.rawValue)
        m.set("mode", mode.rawValue)
        m.set("name", name)
        m.set("app_protocol", appProtocol)
        return m.value
    }
}
