import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `berth pull` for a stack: each service's `pull_policy` decides whether a registry is contacted.
@Suite struct PullCommandTests {
    @Test(.timeLimit(.minutes(1)))
    func missingPolicyOnAStoredImageContactsNoRegistryAndNeverWithAMissingImageNamesServiceAndImage() throws {
        let fixture = try StackFixture()
        // A "registry" that only listens: any pull would connect to it.
        let registry = try Listener()
        let image = "127.0.0.1:\(registry.port)/qa/busybox:latest"
        try #require(try fixture.berth(["image", "tag"], ["busybox:latest", image]).status == 0)
        let compose = try fixture.directory.write(
            "pulls/compose.yaml",
            """
            name: pulls
            services:
              app:
                image: \(image)
                pull_policy: missing
              sidecar:
                image: \(image)
              offline:
                image: berth.local/absent:1
                pull_policy: never
            """
        ).path
        let files = ["-f", compose]

        let present = try fixture.berth(["pull"], files + ["app", "sidecar"])
        #expect(present.status == 0, "\(present.stderr)")
        #expect(present.stdout.contains("app: \(image) present, not pulled (pull_policy missing)"), "\(present.stdout)")
        #expect(present.stdout.contains("sidecar: \(image) present, not pulled"), "\(present.stdout)")
        #expect(!registry.wasContacted, "pull_policy missing on a stored image connected to the registry")

        // The same service with --policy always does go to the registry (so the check above
        // means something): with the listener gone, it fails saying it cannot reach it.
        registry.close()
        let always = try fixture.berth(["pull"], files + ["--policy", "always", "app"], timeout: .seconds(30))
        #expect(always.status == 1)
        #expect(always.stderr.contains("service app: image \(image) (pull_policy always)"), "\(always.stderr)")
        #expect(always.stderr.contains("cannot reach http://127.0.0.1:\(registry.port)"), "\(always.stderr)")

        let never = try fixture.berth(["pull"], files + ["offline"])
        #expect(never.status == 1)
        #expect(
            never.stderr.contains(
                "service offline: image berth.local/absent:1 is not in the store and pull_policy is never"),
            "\(never.stderr)")

        let overridden = try fixture.berth(["pull"], files + ["--policy", "never", "app"])
        #expect(overridden.status == 0, "\(overridden.stderr)")

        let unknown = try fixture.berth(["pull"], files + ["nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no such service: nope"), "\(unknown.stderr)")
    }
}

/// A TCP socket on 127.0.0.1 that accepts nothing: a pending connection means a client called.
final class Listener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        descriptor = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        try #require(bound)
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// True when a connection is waiting to be accepted.
    var wasContacted: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(descriptor)
    }

    deinit { close() }
}
