import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `berth` executable the way a user would, capturing what they would see.
struct BerthBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var path: String {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["BERTH_BINARY"] { return explicit }
        for config in ["debug", "release"] {
            let candidate = packageRoot.appendingPathComponent(".build/\(config)/berth").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/berth").path
    }

    /// `berth <arguments…>` with colour off; bounded so a hung command fails the test instead
    /// of stalling the run.
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        try run(
            executable: path, arguments, in: directory, environment: ["NO_COLOR": "1"].merging(environment) { $1 },
            timeout: .seconds(300))
    }

    /// The one way tests run a process: `COMPOSE_*` from the test's own environment dropped,
    /// both pipes drained while it runs, killed and recorded as an issue after `timeout`.
    static func run(
        executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String],
        timeout: Duration
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("COMPOSE_") { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        // Reap with waitpid directly: Foundation's own child monitoring is not relied on here.
        let pid = process.processIdentifier
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var status: Int32 = 0
        var exited = false
        var reapedByFoundation = false
        while clock.now < deadline {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                exited = true
                break
            }
            if reaped < 0 {
                // Foundation reaped it first; it knows the status then.
                if !process.isRunning {
                    exited = true
                    reapedByFoundation = true
                    break
                }
            }
            usleep(10_000)
        }
        if !exited {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            _ = group.wait(timeout: .now() + 5)
            Issue.record("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
            return Result(status: -1, stdout: "", stderr: "timed out")
        }
        _ = group.wait(timeout: .now() + 10)
        let code =
            reapedByFoundation
            ? process.terminationStatus : (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(
            status: code, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// What a berth root leaves in the kernel, as both fixtures look for it.
enum BerthRoot {
    /// Processes whose command line names the root (supervisors, exec helpers, network daemons).
    static func processes(mentioning root: String) -> [Int32] {
        var pids: [Int32] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != getpid(),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { continue }
            if String(decoding: data, as: UTF8.self).contains(root) { pids.append(pid) }
        }
        return pids
    }

    /// Mount points under the root, in mount order.
    static func mounts(under root: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: "/proc/self/mountinfo") else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 && fields[4].hasPrefix(root) ? String(fields[4]) : nil
        }
    }
}

/// A scratch directory named `berth-test-*`, removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("berth-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }
}
