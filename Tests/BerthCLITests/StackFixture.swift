import BerthNetwork
import BerthSystem
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One berth root (`/tmp/berth-test-*`) with the sample busybox image imported, and the
/// cleanup that leaves no bridge, veth, netns, mount or process behind even when a test fails.
final class StackFixture {
    let directory: TemporaryDirectory
    var root: String { directory.url.path + "/root" }
    var projects: Set<String> = []

    init() throws {
        directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.url.path + "/root", withIntermediateDirectories: true)
        let script = BerthBinary.packageRoot.appendingPathComponent("scripts/build-sample-image").path
        let result = try Self.run(
            "/bin/sh", [script, BerthBinary.path], environment: ["BERTH_ROOT": root], timeout: .seconds(60))
        try #require(result.status == 0, "building the sample image failed: \(result.stderr)")
    }

    /// `berth <command> --root R <arguments…>`, bounded in time.
    @discardableResult
    func berth(
        _ command: [String], _ arguments: [String] = [], in directory: URL? = nil, environment: [String: String] = [:],
        timeout: Duration = .seconds(90)
    ) throws -> BerthBinary.Result {
        var env = environment
        env["NO_COLOR"] = "1"
        // berth's DNS server relays outside names to the resolvers this file names: none, so
        // no test query ever leaves for the host's real resolvers.
        if env["BERTH_RESOLV_CONF"] == nil { env["BERTH_RESOLV_CONF"] = "/dev/null" }
        return try Self.run(
            BerthBinary.path, command + ["--root", root] + arguments, in: directory, environment: env, timeout: timeout)
    }

    /// Kept for the tests that call it; the one process runner is `BerthBinary.run(executable:…)`.
    static func run(
        _ path: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String],
        timeout: Duration
    ) throws -> BerthBinary.Result {
        try BerthBinary.run(
            executable: path, arguments, in: directory, environment: environment, timeout: timeout)
    }

    /// Everything the root holds in the kernel: bridges and veths from the state records,
    /// processes started from it (supervisors, network daemons), mounts under it.
    func leftovers() -> [String] {
        var found: [String] = []
        for link in recordedInterfaces() where FileManager.default.fileExists(atPath: "/sys/class/net/\(link)") {
            found.append("interface \(link)")
        }
        for pid in processes() { found.append("process \(pid)") }
        for mount in mounts() { found.append("mount \(mount)") }
        return found
    }

    func recordedInterfaces() -> [String] {
        var names: [String] = []
        let projectsDir = root + "/projects"
        for project in (try? FileManager.default.contentsOfDirectory(atPath: projectsDir)) ?? [] {
            guard let data = FileManager.default.contents(atPath: "\(projectsDir)/\(project)/state.json"),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            for network in object["networks"] as? [[String: Any]] ?? [] {
                if let bridge = network["bridge"] as? String { names.append(bridge) }
            }
            for container in object["containers"] as? [[String: Any]] ?? [] {
                let details = container["details"] as? [String: Any]
                for attachment in details?["attachments"] as? [[String: Any]] ?? [] {
                    if let name = attachment["hostInterface"] as? String { names.append(name) }
                }
            }
        }
        return names
    }

    func processes() -> [Int32] { BerthRoot.processes(mentioning: root) }

    func mounts() -> [String] { BerthRoot.mounts(under: root) }

    /// `down -v` of every project used, then whatever is still there by force.
    func cleanUp(_ composeArguments: [String: [String]]) {
        for (_, arguments) in composeArguments {
            _ = try? berth(["down"], arguments + ["-v", "-t", "1"], timeout: .seconds(60))
        }
        for pid in processes() { kill(pid, SIGKILL) }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while !processes().isEmpty && clock.now < deadline { usleep(20_000) }
        if let netlink = try? RouteNetlink() {
            for link in recordedInterfaces() { try? netlink.deleteLink(link) }
        }
        for mount in mounts().reversed() { umount2(mount, Int32(MNT_DETACH)) }
    }

    /// A TCP port nothing listens on right now.
    static func freePort() throws -> Int {
        let socket = try Socket.open(.tcp)
        defer { socket.close() }
        try socket.bind(to: SocketAddressV4(host: 0x7F00_0001, port: 0))
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(socket.descriptor.rawValue, $0, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// GET / on 127.0.0.1:port with a fresh connection; the body, or nil on any failure.
    static func httpGet(port: Int) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let request = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while response.count < 1 << 20 {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            response += buffer[..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/1."), let split = text.range(of: "\r\n\r\n") else { return nil }
        return String(text[split.upperBound...])
    }
}
