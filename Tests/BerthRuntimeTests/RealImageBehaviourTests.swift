import Foundation
import Testing

@testable import BerthRuntime

/// What programs from real images see: a non-root USER reading the files berth writes,
/// PID 1 with `init: true`, and the container's own cgroup limits. Needs root; serialized
/// because containers share the cgroup tree.
@Suite(.serialized, .enabled(if: getuid() == 0, "containers need root"))
struct RealImageBehaviourTests {
    func output(_ script: String, _ configure: (inout ContainerSpec) -> Void = { _ in }) throws -> String {
        let fixture = try Fixture()
        return try fixture.run(script, configure).1.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aNonRootUserReadsHostsHostnameAndResolvConf() throws {
        let out = try output("cat /etc/hosts /etc/hostname /etc/resolv.conf") {
            $0.process.user = "app"
            $0.hostname = "berthbox"
            $0.etcFiles.hosts = "127.0.0.1 localhost berthbox\n"
            $0.etcFiles.hostname = "berthbox\n"
            $0.etcFiles.resolvConf = "nameserver 127.0.0.11\n"
        }
        #expect(out == "127.0.0.1 localhost berthbox\nberthbox\nnameserver 127.0.0.11")
    }

    @Test func initShowsANeutralInitPathAndTheCommandButNoHostPath() throws {
        let fixture = try Fixture()
        let (_, text) = try fixture.run("tr '\\0' ' ' < /proc/1/cmdline") { $0.initProcess = true }
        let out = text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(out == "/sbin/berth-init -- /bin/sh -c tr '\\0' ' ' < /proc/1/cmdline")
        #expect(!out.contains(fixture.base))
    }

    @Test func theContainerReadsItsOwnMemoryLimitUnderSysFsCgroupReadOnly() throws {
        let out = try output(
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; grep -c ':memory:/$' /proc/self/cgroup; "
                + "touch /sys/fs/cgroup/memory/x 2>/dev/null || echo read-only; ls /sys/fs/cgroup/pids | grep -c pids.max"
        ) { $0.resources.memoryBytes = 64 << 20 }
        #expect(out == "67108864\n1\nread-only\n1")
    }

    @Test func aMemoryLimitNearTheLargestSizeStartsTheContainerInsteadOfTrapping() throws {
        let out = try output("echo started") { $0.resources.memoryBytes = 1 << 62 }
        #expect(out == "started")
    }
}
