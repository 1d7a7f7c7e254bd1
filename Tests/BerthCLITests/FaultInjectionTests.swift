import BerthNetwork
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGKILLs `berth up` and `berth down` at pseudo-random moments and checks that the next
/// complete command converges: `up` to exactly the desired stack, `down -v` to nothing at all.
/// The promise under test is the one in docs/stacks.md: every kernel object is recorded
/// before it is made, so a kill anywhere is repaired by the next command.
///
/// `BERTH_FAULT_ITERATIONS` (default 25) and `BERTH_FAULT_SEED` make a run repeatable.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root for namespaces, bridges and mounts"))
struct FaultInjectionTests {
    /// What one iteration interrupts, and what it then runs to completion.
    enum Mode: String, CaseIterable {
        /// Kill `up -d --wait` from nothing, then `up -d --wait`.
        case killUpThenUp = "kill up, then up"
        /// Kill `down` of the running stack, then `up -d --wait`.
        case killDownThenUp = "kill down, then up"
        /// Kill `down` of the running stack, then `down -v`: nothing may remain.
        case killDownThenDown = "kill down, then down -v"
    }

    static func compose(project: String) -> String {
        """
        name: \(project)
        services:
          db:
            image: busybox:latest
            command: ["sh", "-c", "echo up > /data/ready && exec sleep 600"]
            init: true
            volumes:
              - data:/data
            networks: [back]
            healthcheck:
              test: ["CMD", "test", "-f", "/data/ready"]
              interval: 1s
              timeout: 1s
              retries: 3
          web:
            image: busybox:latest
            command: ["sh", "-c", "mkdir -p /www && echo fault-web > /www/index.html && exec httpd -f -p 80 -h /www"]
            init: true
            ports:
              - "127.0.0.1:${FAULT_PORT}:80"
            networks: [front, back]
            depends_on:
              db:
                condition: service_healthy
          worker:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
            networks: [back]
        volumes:
          data: {}
        networks:
          front: {}
          back: {}
        """
    }

    @Test(.timeLimit(.minutes(5)))
    func killedUpAndDownConvergeOnTheNextCompleteCommand() throws {
        let env = ProcessInfo.processInfo.environment
        let iterations = env["BERTH_FAULT_ITERATIONS"].flatMap { Int($0) }.map { max(1, min($0, 500)) } ?? 25
        let seed = env["BERTH_FAULT_SEED"].flatMap { UInt64($0) } ?? 0x6265_7274_6866_6c74
        var random = SplitMix64(seed: seed)

        let fixture = try StackFixture()
        let project = "fault\(UInt32.random(in: 0x1000...0xffff))"
        let port = try StackFixture.freePort()
        let compose = try fixture.directory.write("\(project)/compose.yaml", Self.compose(project: project)).path
        let files = ["-f", compose]
        let environment = ["FAULT_PORT": String(port)]
        let run = FaultRun(
            fixture: fixture, project: project, files: files, environment: environment, port: port)
        defer {
            fixture.cleanUp([project: files])
            run.removeInterfaces()
        }

        // One clean run of each command, to spread the kills over its real duration.
        let upTime = try run.complete(["up"], ["-d", "--wait"])
        try run.expectConverged("clean up")
        let downTime = try run.complete(["down"], ["-t", "1"])
        try run.complete(["down"], ["-v", "-t", "1"])
        try run.expectNoResidue("clean down -v")
        print("fault injection: seed \(seed), \(iterations) iterations, clean up \(upTime), clean down \(downTime)")

        var outcomes: [String] = []
        let clock = ContinuousClock()
        let started = clock.now
        for iteration in 0..<iterations {
            let mode = Mode.allCases[iteration % Mode.allCases.count]
            let command: [String]
            let arguments: [String]
            let duration: Duration
            switch mode {
            case .killUpThenUp: (command, arguments, duration) = (["up"], ["-d", "--wait"], upTime)
            case .killDownThenUp, .killDownThenDown: (command, arguments, duration) = (["down"], ["-t", "1"], downTime)
            }
            let fraction = Double(random.next() % 10_000) / 10_000
            let delay = duration * (fraction * 1.1)
            let killed = try run.kill(command, arguments, after: delay)
            let label = "#\(iteration) \(mode.rawValue) at \(delay) (\(killed ? "killed" : "finished first"))"
            switch mode {
            case .killUpThenUp, .killDownThenUp:
                try run.complete(["up"], ["-d", "--wait"], label)
                try run.expectConverged(label)
            case .killDownThenDown:
                try run.complete(["down"], ["-v", "-t", "1"], label)
                try run.expectNoResidue(label)
            // The next iteration kills an `up` that starts from nothing, as the first one did.
            }
            outcomes.append(label)
        }
        try run.complete(["down"], ["-v", "-t", "1"], "final")
        try run.expectNoResidue("final down -v")
        print(
            "fault injection: \(iterations) iterations in \(clock.now - started):\n  "
                + outcomes.joined(separator: "\n  "))
    }
}

/// One stack under fault injection: runs and kills berth, and checks what it left.
final class FaultRun {
    let fixture: StackFixture
    let project: String
    let files: [String]
    let environment: [String: String]
    let port: Int
    /// Every interface name any state record ever listed: the names are hashes that do not
    /// say which root they belong to, so the record is how this test knows its own.
    private(set) var interfaces: Set<String> = []

    init(fixture: StackFixture, project: String, files: [String], environment: [String: String], port: Int) {
        self.fixture = fixture
        self.project = project
        self.files = files
        self.environment = environment
        self.port = port
    }

    var expectedContainers: [String] { ["db", "web", "worker"].map { "\(project)-\($0)-1" } }
    var statePath: String { "\(fixture.root)/projects/\(project)/state.json" }

    func remember() { interfaces.formUnion(fixture.recordedInterfaces()) }

    /// Runs a berth command to completion and requires success; returns how long it took.
    @discardableResult
    func complete(_ command: [String], _ arguments: [String], _ label: String = "") throws -> Duration {
        remember()
        let clock = ContinuousClock()
        let start = clock.now
        let result = try fixture.berth(command, files + arguments, environment: environment, timeout: .seconds(60))
        let elapsed = clock.now - start
        remember()
        try #require(
            result.status == 0,
            "\(label): berth \(command.joined()) \(arguments.joined(separator: " ")) failed (\(result.status)):\n\(result.stderr)"
        )
        return elapsed
    }

    /// Starts a berth command and SIGKILLs it after `delay`; false when it finished first.
    func kill(_ command: [String], _ arguments: [String], after delay: Duration) throws -> Bool {
        remember()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BerthBinary.path)
        process.arguments = command + ["--root", fixture.root] + files + arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("COMPOSE_") { env[key] = nil }
        env.merge(environment) { $1 }
        env["NO_COLOR"] = "1"
        if env["BERTH_RESOLV_CONF"] == nil { env["BERTH_RESOLV_CONF"] = "/dev/null" }  // as StackFixture.berth
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let clock = ContinuousClock()
        let deadline = clock.now + delay
        var status: Int32 = 0
        var finished = false
        while clock.now < deadline {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && !process.isRunning) {
                finished = true
                break
            }
            usleep(2_000)
        }
        if !finished {
            Glibc.kill(pid, SIGKILL)
            if waitpid(pid, &status, 0) < 0 { process.waitUntilExit() }
        }
        remember()
        return !finished
    }

    /// Every service has exactly one running container (db healthy), nothing else exists,
    /// the port answers, and a new plan has nothing to do.
    func expectConverged(_ label: String) throws {
        let ps = try fixture.berth(["ps"], files + ["-a", "--format", "json"], environment: environment)
        let rows = try JSONSerialization.jsonObject(with: Data(ps.stdout.utf8)) as? [[String: Any]] ?? []
        let names = rows.compactMap { $0["Name"] as? String }.sorted()
        #expect(names == expectedContainers, "\(label): containers \(names)\n\(ps.stdout)\(ps.stderr)")
        for row in rows {
            #expect(row["State"] as? String == "running", "\(label): \(row)")
            if row["Service"] as? String == "db" {
                #expect(row["Health"] as? String == "healthy", "\(label): \(row)")
            }
        }
        let plan = try fixture.berth(["plan"], files + ["--detailed-exitcode"], environment: environment)
        #expect(plan.status == 0, "\(label): plan after up is not empty:\n\(plan.stdout)\(plan.stderr)")
        // `--wait` waits for web's process, not for httpd to listen (web has no healthcheck,
        // as in compose), so the page may take a moment after a restart.
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(5)
        var page = StackFixture.httpGet(port: port)
        while page != "fault-web\n" && clock.now < deadline {
            usleep(50_000)
            page = StackFixture.httpGet(port: port)
        }
        if clock.now - start > .milliseconds(40) { print("fault injection: \(label): page after \(clock.now - start)") }
        #expect(page == "fault-web\n", "\(label): GET 127.0.0.1:\(port) gave \(page ?? "nothing") for 5 s")
    }

    /// Nothing of the project remains: no state file, volume, interface, mount, cgroup,
    /// netns file or process of this root; `scripts/residue-check --root` agrees.
    func expectNoResidue(_ label: String) throws {
        remember()
        var found = fixture.leftovers()
        for name in interfaces where FileManager.default.fileExists(atPath: "/sys/class/net/\(name)") {
            found.append("interface \(name)")
        }
        if FileManager.default.fileExists(atPath: statePath) { found.append("state file \(statePath)") }
        let volume = "\(fixture.root)/volumes/\(project)_data"
        if FileManager.default.fileExists(atPath: volume) { found.append("volume \(volume)") }
        let netns = (try? FileManager.default.contentsOfDirectory(atPath: fixture.root + "/netns")) ?? []
        found += netns.map { "netns file \($0)" }
        for base in [
            "/sys/fs/cgroup/unified/berth", "/sys/fs/cgroup/memory/berth", "/sys/fs/cgroup/pids/berth",
            "/sys/fs/cgroup/berth",
        ] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
            found += entries.filter { $0.hasPrefix(project + "-") }.map { "cgroup \(base)/\($0)" }
        }
        #expect(found.isEmpty, "\(label): left behind \(found)")

        let script = BerthBinary.packageRoot.appendingPathComponent("scripts/residue-check").path
        let links = interfaces.sorted().flatMap { ["--link", $0] }
        let check = try StackFixture.run(
            "/bin/bash", [script, "--root", fixture.root, "--project", project] + links, environment: [:],
            timeout: .seconds(30))
        #expect(check.status == 0, "\(label): residue-check says\n\(check.stdout)\(check.stderr)")
    }

    /// Deletes any interface this run recorded, after the fixture's own cleanup.
    func removeInterfaces() {
        remember()
        let netlink = try? RouteNetlink()
        for name in interfaces where FileManager.default.fileExists(atPath: "/sys/class/net/\(name)") {
            try? netlink?.deleteLink(name)
        }
    }
}

/// A small seeded generator, so a failing sequence of kill delays can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D4_9BA3_1013_84EB
        return z ^ (z >> 31)
    }
}
