import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A bare berth root (`/tmp/berth-test-*`) for `berth container …` tests: no image, so it is
/// cheap. Cleanup kills every process started from the root and detaches its mounts.
final class RuntimeFixture {
    let directory: TemporaryDirectory
    var root: String { directory.url.path + "/root" }

    init() throws {
        directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    @discardableResult
    func berth(_ arguments: [String], timeout: Duration = .seconds(60)) throws -> BerthBinary.Result {
        // `--root` goes after the subcommand path (`container run`, `container rm`, …).
        let split = arguments.first == "container" ? 2 : 1
        let command = Array(arguments.prefix(split)) + ["--root", root] + Array(arguments.dropFirst(split))
        // No resolvers: no test query leaves for the host's real ones (StackFixture.berth).
        return try StackFixture.run(
            BerthBinary.path, command, environment: ["NO_COLOR": "1", "BERTH_RESOLV_CONF": "/dev/null"],
            timeout: timeout)
    }

    /// Processes whose command line names this root (supervisors, exec helpers).
    func processes() -> [Int32] { BerthRoot.processes(mentioning: root) }

    func mounts() -> [String] { BerthRoot.mounts(under: root) }

    func leftovers() -> [String] {
        processes().map { "process \($0)" } + mounts().map { "mount \($0)" }
    }

    func cleanUp() {
        for pid in processes() { kill(pid, SIGKILL) }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while !processes().isEmpty && clock.now < deadline { usleep(20_000) }
        for mount in mounts().reversed() { umount2(mount, Int32(MNT_DETACH)) }
    }
}
