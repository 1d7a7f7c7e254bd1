import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The network daemon recovers from being killed and is reported when it cannot; limits and
/// command lines the kernel would refuse are refused where they are written; a start whose
/// execve fails is a failed `up`; the event log stays bounded and whole. Root only, serialized
/// (they publish host ports and create bridges).
@Suite(
    "Escapes: daemon, limits, logs", .serialized,
    .enabled(if: getuid() == 0, "needs root for namespaces, bridges and mounts"))
struct DaemonAndLimitsTests {
    static let served = """
        name: berthnetd
        services:
          web:
            image: busybox:latest
            command: ["sh", "-c", "mkdir -p /www && echo served > /www/index.html && exec httpd -f -p 80 -h /www"]
            ports:
              - "127.0.0.1:${NETD_PORT}:80"
          client:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
        """

    /// Pids of the root's network daemon processes: the supervisor and the daemon proper.
    static func daemonProcesses(root: String) -> (supervisor: Int32?, worker: Int32?) {
        var supervisor: Int32?
        var worker: Int32?
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.contains(root) else { continue }
            if arguments.contains("__netd") { worker = pid }
            if arguments.count > 1 && arguments[1] == "netd" { supervisor = pid }
        }
        return (supervisor, worker)
    }

    /// Polls `condition` every 20 ms for at most `limit`; the time it took, or nil.
    static func within(_ limit: Duration, _ condition: () throws -> Bool) rethrows -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < limit {
            if try condition() { return clock.now - start }
            usleep(20_000)
        }
        return nil
    }

    static func gone(_ pid: Int32) -> Bool {
        guard let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return true }
        let text = String(decoding: stat, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return true }
        return text[text.index(after: close)...].split(separator: " ").first == "Z"
    }

    @Test(.timeLimit(.minutes(3)))
    func aKilledNetworkDaemonComesBackByItselfAndWithoutItsSupervisorPlanReportsDriftAndUpRestoresIt() throws {
        let fixture = try StackFixture()
        let compose = try fixture.directory.write("netd/compose.yaml", Self.served).path
        let port = try StackFixture.freePort()
        let env = ["NETD_PORT": String(port)]
        let files = ["-f", compose]
        defer { fixture.cleanUp(["berthnetd": files]) }
        let up = try fixture.berth(["up"], files + ["-d", "--wait"], environment: env)
        try #require(up.status == 0, "\(up.stderr)")
        #expect(StackFixture.httpGet(port: port)?.contains("served") == true)

        // The daemon proper dies: its supervisor restarts it, no command needed.
        let first = Self.daemonProcesses(root: fixture.root)
        let worker = try #require(first.worker, "no network daemon running")
        kill(worker, SIGKILL)
        let back = Self.within(.seconds(10)) {
            let now = Self.daemonProcesses(root: fixture.root).worker
            return now != nil && now != worker && StackFixture.httpGet(port: port)?.contains("served") == true
        }
        #expect(back != nil, "the published port did not come back within 10 s")
        let lookup = try fixture.berth(["exec"], files + ["client", "nslookup", "web"], environment: env)
        #expect(lookup.status == 0 && lookup.stdout.contains("Address: 10."), "\(lookup.stdout)\(lookup.stderr)")
        let log = fixture.root + "/projects/berthnetd/netd.log"
        let logged = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
        #expect(logged.contains("(pid \(worker)) was killed by signal 9"), "\(logged)")

        // The supervisor dies too: no DNS, ports frozen, and ps and plan say so.
        let second = Self.daemonProcesses(root: fixture.root)
        for pid in [second.supervisor, second.worker].compactMap({ $0 }) { kill(pid, SIGKILL) }
        let dead = Self.within(.seconds(10)) {
            [second.supervisor, second.worker].compactMap { $0 }.allSatisfy(Self.gone)
        }
        try #require(dead != nil)
        // The kernel keeps serving the published port with its last rules (issue 14).
        #expect(StackFixture.httpGet(port: port)?.contains("served") == true)
        let notice =
            "network daemon not running: DNS is down and published ports no longer follow replicas and health; "
            + "`berth up` restarts it (log: \(log))"
        let ps = try fixture.berth(["ps"], files, environment: env)
        #expect(ps.status == 0)
        #expect(ps.stderr.contains("warning: \(notice)"), "\(ps.stderr)")
        let plan = try fixture.berth(["plan"], files + ["--detailed-exitcode"], environment: env)
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("Changed outside berth:\n  ! \(notice)\n"), "\(plan.stdout)")

        // A temporary file an interrupted write left behind is removed when the daemon starts.
        let project = fixture.root + "/projects/berthnetd"
        let stale = ["state.json.tmp-\(Int32.max)-7", ".dat.nosync7FFFFFFF.AbCdEf"]
        let live = "netd.applied.tmp-\(getpid())-9"
        for name in stale + [live] {
            _ = FileManager.default.createFile(atPath: "\(project)/\(name)", contents: Data())
        }

        let again = try fixture.berth(["up"], files + ["-d", "--wait"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(StackFixture.httpGet(port: port)?.contains("served") == true)
        // Names resolve again within a bounded time (busybox nslookup gives up after one
        // unanswered query, so it is asked until the deadline).
        var lastLookup = ""
        let resolvedIn = try Self.within(.seconds(10)) {
            let lookup = try fixture.berth(["exec"], files + ["client", "nslookup", "web"], environment: env)
            lastLookup = lookup.stdout + lookup.stderr
            return lookup.status == 0
        }
        #expect(resolvedIn != nil, "\(lastLookup)")
        let settled = try fixture.berth(["plan"], files + ["--detailed-exitcode"], environment: env)
        #expect(settled.status == 0, "\(settled.stdout)")
        #expect(try fixture.berth(["ps"], files, environment: env).stderr.isEmpty)
        let left = Set((try? FileManager.default.contentsOfDirectory(atPath: project)) ?? [])
        #expect(left.isDisjoint(with: stale), "\(left)")
        #expect(left.contains(live))

        let down = try fixture.berth(["down"], files + ["-t", "1"], environment: env)
        #expect(down.status == 0, "\(down.stderr)")
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(2)))
    func zeroLimitsMeanNoLimitAndLimitsTheKernelWouldRefuseStopUpBeforeItCreatesAnything() throws {
        let fixture = try StackFixture()
        let unlimited = try fixture.directory.write(
            "zero/compose.yaml",
            """
            name: berthzero
            services:
              app:
                image: busybox:latest
                command: ["sleep", "600"]
                init: true
                cpus: 0
                mem_limit: 0
            """
        ).path
        let tiny = try fixture.directory.write(
            "tiny/compose.yaml",
            """
            name: berthtiny
            services:
              app:
                image: busybox:latest
                command: ["sleep", "600"]
                mem_limit: 1m
                deploy:
                  resources:
                    limits:
                      cpus: '0.001'
            """
        ).path
        defer { fixture.cleanUp(["berthzero": ["-f", unlimited], "berthtiny": ["-f", tiny]]) }

        let up = try fixture.berth(["up"], ["-f", unlimited, "-d", "--wait"])
        #expect(up.status == 0, "\(up.stderr)")
        let ps = try fixture.berth(["ps"], ["-f", unlimited])
        #expect(ps.stdout.contains("berthzero-app-1") && ps.stdout.contains("Up "), "\(ps.stdout)")

        let refused = try fixture.berth(["up"], ["-f", tiny, "-d"])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains(
                "\(tiny):6:16: error: services.app.mem_limit: a memory limit of 1048576 bytes is below the minimum of 6MB"
            ), "\(refused.stderr)")
        #expect(
            refused.stderr.contains(
                "\(tiny):10:17: error: services.app.deploy.resources.limits.cpus: range of CPUs is from 0.01 to"),
            "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/projects/berthtiny/state.json"))

        let run = try fixture.berth(
            ["container", "run"], ["--rootfs", fixture.directory.url.path, "--memory", "5m", "true"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--memory 5m: a memory limit of 5242880 bytes is below the minimum of 6MB"))
        let cpus = try fixture.berth(
            ["container", "run"], ["--rootfs", fixture.directory.url.path, "--cpus=-1", "true"])
        #expect(cpus.stderr.contains("--cpus -1: the number of CPUs cannot be negative"), "\(cpus.stderr)")
    }

    @Test(.timeLimit(.minutes(2)))
    func aCommandLineTheKernelWouldRefuseIsALocatedErrorAndAFailedExecIsAFailedUp() throws {
        let fixture = try StackFixture()
        let huge = String(repeating: "x", count: 1 << 20)
        let tooLong = try fixture.directory.write(
            "long/compose.yaml",
            "name: berthlong\nservices:\n  app:\n    image: busybox:latest\n    command: [\"echo\", \"\(huge)\"]\n"
        ).path
        // Within the limits, but the program cannot be executed: the execve error quotes
        // ~800 KB of arguments, more than one message on the supervisor's sync socket.
        let arguments = (0..<8).map { _ in "\"" + String(repeating: "y", count: 100_000) + "\"" }
        let unexecutable = try fixture.directory.write(
            "noexec/compose.yaml",
            "name: berthnoexec\nservices:\n  app:\n    image: busybox:latest\n"
                + "    command: [\"/etc/passwd\", \(arguments.joined(separator: ", "))]\n"
        ).path
        defer { fixture.cleanUp(["berthlong": ["-f", tooLong], "berthnoexec": ["-f", unexecutable]]) }

        let long = try fixture.berth(["up"], ["-f", tooLong, "-d"])
        #expect(long.status != 0)
        #expect(
            long.stderr.contains(
                "\(tooLong):5:23: error: services.app.command[1]: argument 1 of 'command' is 1048576 bytes; "
                    + "the kernel refuses an argument or environment entry over 131071 bytes (MAX_ARG_STRLEN)"),
            "\(long.stderr.prefix(2000))")
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/projects/berthlong/state.json"))
        // One argument over 128 KiB cannot even reach berth; a total over the budget can.
        let many = (0..<12).map { _ in String(huge.prefix(100_000)) }
        let run = try fixture.berth(["container", "run"], ["--rootfs", fixture.directory.url.path, "echo"] + many)
        #expect(run.status != 0)
        #expect(
            run.stderr.contains("the command and environment take"), "\(run.stderr.prefix(2000))")

        let failed = try fixture.berth(["up"], ["-f", unexecutable, "-d"])
        #expect(failed.status != 0, "up claimed success: \(failed.stderr.prefix(2000))")
        #expect(failed.stderr.contains("execve(\"/etc/passwd\""), "\(failed.stderr.prefix(2000))")
        #expect(failed.stderr.contains("EACCES"), "\(failed.stderr.suffix(2000))")
        #expect(!failed.stderr.contains("Started"))
    }

    @Test(.timeLimit(.minutes(2)))
    func theEventLogRotatesAtItsCapKeepsThreeOldFilesAndHoldsOnlyWholeLines() throws {
        let fixture = try StackFixture()
        let compose = try fixture.directory.write(
            "events/compose.yaml",
            """
            name: bertheventlog
            services:
              a: {image: "busybox:latest", command: ["sleep", "600"], init: true}
              b: {image: "busybox:latest", command: ["sleep", "600"], init: true}
              c: {image: "busybox:latest", command: ["sleep", "600"], init: true}
              d: {image: "busybox:latest", command: ["sleep", "600"], init: true}
            """
        ).path
        defer { fixture.cleanUp(["bertheventlog": ["-f", compose]]) }
        let project = fixture.root + "/projects/bertheventlog"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        // Distinct old files, so the test sees each one move down by one and the oldest go.
        func filled(_ tag: String) -> String {
            let line = "{\"event\":\"\(tag)\",\"padding\":\"" + String(repeating: "p", count: 1000) + "\"}\n"
            return String(repeating: line, count: (1 << 20) / line.utf8.count + 1)
        }
        let full = filled("current")
        try full.write(toFile: "\(project)/events.jsonl", atomically: false, encoding: .utf8)
        for index in 1...3 {
            try filled("old\(index)").write(
                toFile: "\(project)/events.jsonl.\(index)", atomically: false, encoding: .utf8)
        }

        let up = try fixture.berth(["up"], ["-f", compose, "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        let files = Set((try? FileManager.default.contentsOfDirectory(atPath: project)) ?? []).filter {
            $0.hasPrefix("events.jsonl")
        }
        #expect(files == ["events.jsonl", "events.jsonl.1", "events.jsonl.2", "events.jsonl.3"])
        let current = try String(contentsOfFile: "\(project)/events.jsonl", encoding: .utf8)
        #expect(current.utf8.count < 1 << 20)
        let lines = current.split(separator: "\n")
        #expect(lines.count >= 8, "\(current)")
        for text in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            #expect(object?["project"] as? String == "bertheventlog", "not a whole event: \(text)")
        }
        #expect(try String(contentsOfFile: "\(project)/events.jsonl.1", encoding: .utf8) == full)
        #expect(try String(contentsOfFile: "\(project)/events.jsonl.2", encoding: .utf8) == filled("old1"))
        #expect(try String(contentsOfFile: "\(project)/events.jsonl.3", encoding: .utf8) == filled("old2"))
    }
}
