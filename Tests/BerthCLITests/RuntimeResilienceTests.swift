import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The runtime as a user meets it through the `berth` binary: a CLI killed mid-start, a
/// supervisor killed as on a reboot, `exec -it` on a real terminal, healthcheck output.
/// Root only; serialized because they create cgroups and namespaces.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root for namespaces, cgroups and mounts"))
struct RuntimeResilienceTests {
    /// A busybox root filesystem directory for `berth container run --rootfs`.
    static func busyboxRootfs(in directory: TemporaryDirectory) throws -> String {
        let rootfs = directory.url.path + "/rootfs"
        for dir in ["bin", "etc", "proc", "sys", "dev", "tmp"] {
            try FileManager.default.createDirectory(atPath: "\(rootfs)/\(dir)", withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: "\(rootfs)/bin/busybox")
        for applet in ["sh", "sleep", "true", "cat"] {
            try FileManager.default.createSymbolicLink(
                atPath: "\(rootfs)/bin/\(applet)", withDestinationPath: "busybox")
        }
        try "root:x:0:0:root:/root:/bin/sh\n".write(toFile: "\(rootfs)/etc/passwd", atomically: true, encoding: .utf8)
        try "root:x:0:\n".write(toFile: "\(rootfs)/etc/group", atomically: true, encoding: .utf8)
        return rootfs
    }

    /// Cgroup directories of this container in any hierarchy (v1 controllers or v2).
    static func cgroups(of id: String) -> [String] {
        let base = "/sys/fs/cgroup"
        var found: [String] = []
        if FileManager.default.fileExists(atPath: "\(base)/berth/\(id)") { found.append("\(base)/berth/\(id)") }
        for controller in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] {
            let path = "\(base)/\(controller)/berth/\(id)"
            if FileManager.default.fileExists(atPath: path) { found.append(path) }
        }
        return found
    }

    /// Removes what a failed test may have left of this container's cgroups, then the shared
    /// `berth` parents, which only go when no other container (of any test) uses them.
    static func removeCgroups(of id: String) {
        for path in cgroups(of: id) {
            if let procs = try? String(contentsOfFile: path + "/cgroup.procs", encoding: .utf8) {
                for pid in procs.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
            }
            _ = eventually(.seconds(2)) { rmdir(path) == 0 || errno == ENOENT }
        }
        let base = "/sys/fs/cgroup"
        rmdir("\(base)/berth")
        for controller in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] {
            rmdir("\(base)/\(controller)/berth")
        }
    }

    /// Waits (bounded) until `condition` holds.
    static func eventually(_ timeout: Duration = .seconds(5), _ condition: () throws -> Bool) rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    /// `berth container inspect ID` as a dictionary; nil when the container does not exist.
    static func inspect(_ fixture: RuntimeFixture, _ id: String) throws -> [String: Any]? {
        let result = try fixture.berth(["container", "inspect", id])
        guard result.status == 0,
            let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        else { return nil }
        return list.first
    }

    @Test(.timeLimit(.minutes(3)))
    func aCLIKilledAtAnyPointOfStartLeavesAContainerThatIsRunningOrCleanlyFailedAndRemovable() throws {
        let fixture = try RuntimeFixture()
        let rootfs = try Self.busyboxRootfs(in: fixture.directory)
        var ids: [String] = []
        defer {
            for id in ids {
                _ = try? fixture.berth(["container", "rm", "-f", id])
                Self.removeCgroups(of: id)
            }
            fixture.cleanUp()
        }
        // Kill points spread over the CLI's start: before and during argument parsing, while
        // writing config, after spawning the supervisor, while waiting for "ok".
        let delays: [UInt32] = [
            0, 2_000, 5_000, 8_000, 11_000, 14_000, 17_000, 20_000, 25_000, 30_000, 40_000, 60_000, 100_000, 200_000,
        ]
        var outcomes: [String] = []
        for (index, delay) in delays.enumerated() {
            let id = "berth-kill-\(getpid())-\(index)"
            ids.append(id)
            let cli = Process()
            cli.executableURL = URL(fileURLWithPath: BerthBinary.path)
            cli.arguments = [
                "container", "run", "-d", "--root", fixture.root, "--rootfs", rootfs, "--name", id, "sleep", "600",
            ]
            cli.standardOutput = FileHandle.nullDevice
            cli.standardError = FileHandle.nullDevice
            try cli.run()
            usleep(delay)
            kill(cli.processIdentifier, SIGKILL)
            cli.waitUntilExit()

            // A supervisor that was already spawned finishes its start on its own.
            _ = try Self.eventually {
                (try Self.inspect(fixture, id)?["status"] as? String).map { $0 != "created" } ?? true
            }
            let found = try Self.inspect(fixture, id)
            outcomes.append((found?["status"] as? String) ?? "absent")
            if let state = found {
                let status = state["status"] as? String ?? "?"
                #expect(["running", "exited", "created"].contains(status), "\(id): \(state)")
                if status == "exited" { #expect(state["error"] != nil || state["exitCode"] != nil, "\(state)") }
                let rm = try fixture.berth(["container", "rm", "-f", id])
                #expect(rm.status == 0, "kill after \(delay) µs: rm -f \(id) failed: \(rm.stderr)")
            }
            #expect(try Self.inspect(fixture, id) == nil, "\(id) still listed after rm -f")
            let settled = Self.eventually { fixture.processes().isEmpty && Self.cgroups(of: id).isEmpty }
            #expect(settled, "kill after \(delay) µs left \(fixture.processes()) \(Self.cgroups(of: id))")
        }
        // The kill points must really cover both sides of the start.
        #expect(outcomes.contains("running"), "\(outcomes)")
        #expect(outcomes.contains { $0 != "running" }, "\(outcomes)")
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(1)))
    func runWithRmWhoseCommandCannotStartSaysWhyAndLeavesNothing() throws {
        let fixture = try RuntimeFixture()
        let rootfs = try Self.busyboxRootfs(in: fixture.directory)
        let id = "berth-norun-\(getpid())"
        defer {
            Self.removeCgroups(of: id)
            fixture.cleanUp()
        }
        let run = try fixture.berth(["container", "run", "--rm", "--rootfs", rootfs, "--name", id, "/bin/nothing"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("/bin/nothing"), "\(run.stderr)")
        #expect(try Self.inspect(fixture, id) == nil)
        #expect(Self.cgroups(of: id).isEmpty)
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(2)))
    func containerExecWithTTYGivesThePtyOfTheContainerWithTheCallersSizeAndExitCode() throws {
        let fixture = try RuntimeFixture()
        let rootfs = try Self.busyboxRootfs(in: fixture.directory)
        let id = "berth-tty-\(getpid())"
        defer {
            _ = try? fixture.berth(["container", "rm", "-f", id])
            Self.removeCgroups(of: id)
            fixture.cleanUp()
        }
        let run = try fixture.berth(["container", "run", "-d", "--rootfs", rootfs, "--name", id, "sleep", "600"])
        try #require(run.status == 0, "\(run.stderr)")
        // script(1) gives berth a real terminal of 23x91; the relay must hand that size on.
        let inner =
            "stty cols 91 rows 23; \(BerthBinary.path) container exec --root \(fixture.root) -it \(id)"
            + " sh -c 'tty; stty size; exit 3'"
        let result = try StackFixture.run(
            "/usr/bin/script", ["-qec", inner, "/dev/null"], environment: [:], timeout: .seconds(30))
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("/dev/pts/0\r\n"), "\(result.stdout)")
        #expect(result.stdout.contains("23 91"), "\(result.stdout)")

        let plain = try fixture.berth(["container", "exec", id, "sh", "-c", "tty; exit 4"])
        #expect(plain.status == 4)
        #expect(plain.stdout.contains("not a tty"), "\(plain.stdout)")
    }

    @Test(.timeLimit(.minutes(2)))
    func aFailingHealthcheckKeepsItsLastFiveProbesAndTheDependentServiceShowsTheOutput() throws {
        let fixture = try StackFixture()
        let compose = try fixture.directory.write(
            "sick/compose.yaml",
            """
            name: sick
            services:
              db:
                image: busybox:latest
                command: ["sleep", "600"]
                init: true
                healthcheck:
                  test: ["CMD-SHELL", "echo database says no; exit 2"]
                  interval: 200ms
                  retries: 1
              app:
                image: busybox:latest
                command: ["sleep", "600"]
                depends_on:
                  db: {condition: service_healthy}
            """
        ).path
        let files = ["-f", compose]
        defer {
            fixture.cleanUp(["sick": files])
            for id in ["sick-db-1", "sick-app-1"] { Self.removeCgroups(of: id) }
        }
        let up = try fixture.berth(["up"], files + ["-d"])
        #expect(up.status != 0)
        #expect(up.stderr.contains("unhealthy: database says no"), "\(up.stderr)")
        // Five or more probes ran by now at 200 ms; only the last five are kept.
        _ = try RuntimeResilienceTests.eventually(.seconds(10)) {
            let result = try fixture.berth(["container", "inspect", "sick-db-1"])
            return result.stdout.components(separatedBy: "\"start\"").count - 1 >= 5
        }
        let inspect = try fixture.berth(["container", "inspect", "sick-db-1"])
        let list = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [[String: Any]]
        let log = try #require(list?.first?["healthLog"] as? [[String: Any]], "\(inspect.stdout)")
        #expect(log.count == 5)
        #expect(log.allSatisfy { ($0["exitCode"] as? Int) == 2 && ($0["output"] as? String) == "database says no\n" })
        let ps = try fixture.berth(["container", "ps"])
        #expect(ps.stdout.contains("unhealthy (probe exit 2)"), "\(ps.stdout)")
        #expect(try fixture.berth(["down"], files + ["-t", "1"]).status == 0)
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(2)), arguments: ["always", "unless-stopped"])
    func upRestartsARestartPolicyContainerWhoseSupervisorAndProcessWereKilled(policy: String) throws {
        let fixture = try StackFixture()
        let compose = try fixture.directory.write(
            "boot/compose.yaml",
            """
            name: boot
            services:
              box:
                image: busybox:latest
                command: ["sleep", "600"]
                restart: \(policy)
            """
        ).path
        let files = ["-f", compose]
        defer {
            fixture.cleanUp(["boot": files])
            RuntimeResilienceTests.removeCgroups(of: "boot-box-1")
        }
        try #require(try fixture.berth(["up"], files + ["-d"]).status == 0)
        // The stack's exec takes -it the same way.
        let inner = "\(BerthBinary.path) exec --root \(fixture.root) -f \(compose) -it box sh -c 'tty; exit 6'"
        let tty = try StackFixture.run(
            "/usr/bin/script", ["-qec", inner, "/dev/null"], environment: [:], timeout: .seconds(30))
        #expect(tty.status == 6, "\(tty.stdout)")
        #expect(tty.stdout.contains("/dev/pts/"), "\(tty.stdout)")
        let before = try #require(try RuntimeResilienceTests.inspect(fixture, "boot-box-1"))
        let supervisor = try #require(before["supervisorPid"] as? Int32)
        let process = try #require(before["pid"] as? Int32)

        // What a host reboot does to berth: no supervisor, no container process.
        kill(supervisor, SIGKILL)
        kill(process, SIGKILL)
        #expect(RuntimeResilienceTests.eventually { kill(supervisor, 0) != 0 && kill(process, 0) != 0 })
        let plan = try fixture.berth(["plan"], files + ["--detailed-exitcode"])
        #expect(plan.status == 2, "a dead supervisor must be drift: \(plan.stdout)")

        let up = try fixture.berth(["up"], files + ["-d"])
        #expect(up.status == 0, "\(up.stderr)")
        let after = try #require(try RuntimeResilienceTests.inspect(fixture, "boot-box-1"))
        #expect(after["status"] as? String == "running", "\(after)")
        #expect(after["supervisorPid"] as? Int32 != supervisor)
        #expect(try fixture.berth(["plan"], files + ["--detailed-exitcode"]).status == 0)
        #expect(try fixture.berth(["down"], files + ["-t", "1"]).status == 0)
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }
}

extension RuntimeResilienceTests {
    static func inspect(_ fixture: StackFixture, _ id: String) throws -> [String: Any]? {
        let result = try fixture.berth(["container", "inspect", id])
        guard result.status == 0,
            let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        else { return nil }
        return list.first
    }
}
