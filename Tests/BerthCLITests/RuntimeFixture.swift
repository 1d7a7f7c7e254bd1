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
        return try StackFixture.run(BerthBinary.path, command, environment: ["NO_COLOR": "1"], timeout: timeout)
    }

    /// Processes whose command line names this root (supervisors, exec helpers).
    func processes() -> [Int32] {
        var pids: [Int32] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != getpid(),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { continue }
            if String(decoding: data, as: UTF8.self).contains(root) { pids.append(pid) }
        }
        return pids
    }

    func mounts() -> [String] {
        guard let data = FileManager.default.contents(atPath: "/proc/self/mountinfo") else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 && fields[4].hasPrefix(root) ? String(fields[4]) : nil
        }
    }

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
