import Foundation
import Testing

@testable import BerthImage

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's docker-registry on 127.0.0.1 with storage in a temp dir; `stop()` in a defer.
final class LocalRegistry {
    let port: UInt16
    let directory: TemporaryDirectory
    private let process: Process

    var host: String { "127.0.0.1:\(port)" }

    init() throws {
        directory = try TemporaryDirectory()
        port = try LocalRegistry.freePort()
        let config = directory.file("config.yml")
        try Files.write(
            config,
            """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(directory.file("storage"))
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:\(port)
            """)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilReady()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        directory.remove()
    }

    /// Pushes an OCI layout image with skopeo.
    func push(layout: String, tag: String, as name: String, extra: [String] = []) throws {
        try Tool.succeed(
            "/usr/bin/skopeo",
            ["copy", "--quiet", "--dest-tls-verify=false"] + extra + [
                "oci:\(layout):\(tag)", "docker://\(host)/\(name)",
            ])
    }

    private func waitUntilReady() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            guard process.isRunning else { throw ImageError.registry("docker-registry exited early") }
            if LocalRegistry.canConnect(port: port) { return }
            usleep(50_000)
        }
        stop()
        throw ImageError.registry("docker-registry did not listen on 127.0.0.1:\(port) within 20s")
    }

    static func canConnect(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ImageError.registry("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw ImageError.registry("bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }
}
