import Foundation
import Testing

@testable import BerthRuntime

/// Real busybox containers; needs root. Serialized: they share the cgroup tree.
@Suite(.serialized) struct IsolationTests {
    func output(_ script: String, _ configure: (inout ContainerSpec) -> Void = { _ in }) throws -> String {
        let fixture = try Fixture()
        return try fixture.run(script, configure).1.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func entrypointIsPID1AndHostPIDsAreInvisible() throws {
        // sh (1), ls and grep: nothing of the host.
        let lines = try output("echo $$; ls /proc | grep -c '^[0-9]'").split(separator: "\n")
        #expect(lines.first == "1")
        #expect((Int(lines.last ?? "") ?? 99) <= 3)
    }

    @Test func hostnameAndEtcFilesComeFromTheSpec() throws {
        let out = try output("hostname; cat /etc/hosts") {
            $0.hostname = "berthbox"
            $0.etcFiles.hosts = "127.0.0.1 localhost berthbox\n"
        }
        #expect(out == "berthbox\n127.0.0.1 localhost berthbox")
    }

    @Test func procKcoreIsMaskedAndProcSysIsReadOnly() throws {
        let out = try output(
            "wc -c < /proc/keys; wc -c < /proc/timer_list; ls /sys/firmware | wc -l; "
                + "echo x 2>/dev/null > /proc/sys/kernel/domainname || echo denied")
        #expect(out == "0\n0\n0\ndenied")
    }

    @Test func mountUnshareAndModuleLoadingAreDenied() throws {
        let out = try output(
            "mount -t tmpfs none /mnt 2>/dev/null || echo m; unshare -U true 2>/dev/null || echo u; "
                + "unshare -m true 2>/dev/null || echo n; rmmod loop 2>/dev/null || echo r")
        #expect(out == "m\nu\nn\nr")
    }

    @Test func onlyDockerDefaultCapabilitiesRemain() throws {
        let out = try output("grep -E '^Cap(Eff|Bnd|Prm|Amb)' /proc/self/status")
        #expect(out.contains("CapEff:\t00000000a80425fb"))
        #expect(out.contains("CapBnd:\t00000000a80425fb"))
        #expect(out.contains("CapAmb:\t0000000000000000"))
    }

    @Test func capDropAllLeavesNoCapabilities() throws {
        let out = try output("grep CapBnd /proc/self/status") { $0.security.capabilityDrop = ["ALL"] }
        #expect(out == "CapBnd:\t0000000000000000")
    }

    @Test func noNewPrivilegesIsSetWhenRequested() throws {
        #expect(
            try output("grep NoNewPrivs /proc/self/status") { $0.security.noNewPrivileges = true } == "NoNewPrivs:\t1")
    }

    @Test func seccompIsInFilterMode() throws {
        #expect(try output("grep '^Seccomp:' /proc/self/status") == "Seccomp:\t2")
        #expect(try output("grep '^Seccomp:' /proc/self/status") { $0.security.seccomp = .unconfined } == "Seccomp:\t0")
    }

    @Test func readOnlyRootfsRefusesWrites() throws {
        let out = try output("touch /x 2>/dev/null || echo refused; touch /tmp/ok 2>/dev/null || echo tmpro") {
            $0.readOnlyRootfs = true
        }
        #expect(out == "refused\ntmpro")
    }

    @Test func devContainsOnlyTheAllowedDevicesAndBlockMknodFails() throws {
        let out = try output("ls /dev | tr '\\n' ' '; mknod /tmp/sda b 8 0 2>/dev/null || echo nomknod")
        #expect(out == "core fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero nomknod")
    }

    @Test func noDescriptorAboveStderrLeaksIn() throws {
        // PID 1 is a plain sleep (a shell would hold its own pipes); a second process looks.
        let fixture = try Fixture()
        let id = fixture.newID()
        try fixture.runtime.run(id: id, spec: fixture.spec("exec sleep 1000"))
        let check = ExecSpec(arguments: ["sh", "-c", #"[ "$(ls /proc/1/fd | tr '\n' ' ')" = "0 1 2 " ]"#])
        #expect(try fixture.runtime.exec(id: id, check) == 0)
        try fixture.runtime.stop(id: id, graceMilliseconds: 100)
    }

    @Test func exitCodePropagatesFromRun() throws {
        let fixture = try Fixture()
        let (state, _) = try fixture.run("exit 42")
        #expect(state.exitCode == 42)
        #expect(state.status == .exited)
    }

    @Test func pidsLimitStopsAForkBomb() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("for i in $(seq 100); do sleep 30 & done; echo unbounded")
        spec.resources.pidsLimit = 10
        try fixture.runtime.run(id: id, spec: spec)
        let state = try fixture.runtime.wait(id: id)
        let logs = try fixture.runtime.logs(id: id)
        #expect(state.exitCode != 0)
        #expect(logs.contains { $0.stream == .stderr && $0.log.contains("can't fork") })
        #expect(!logs.contains { $0.log.contains("unbounded") })
    }

    @Test func memoryLimitOOMKillIsReportedAs137() throws {
        let fixture = try Fixture()
        let (state, _) = try fixture.run("tail /dev/zero") {
            $0.resources.memoryBytes = 16 << 20
            $0.resources.memorySwapBytes = 16 << 20
        }
        #expect(state.exitCode == 137)
        #expect(state.oomKilled)
    }

    @Test func userAndWorkingDirectoryAreApplied() throws {
        let out = try output("id -u; id -G; pwd; grep CapEff /proc/self/status") {
            $0.process.user = "app"
            $0.process.workingDirectory = "/home/app"
        }
        #expect(out == "1000\n1000 2000\n/home/app\nCapEff:\t0000000000000000")
    }

    @Test func missingWorkingDirectoryFailsStartWithTheReason() throws {
        let fixture = try Fixture()
        var spec = fixture.spec("true")
        spec.process.workingDirectory = "/nope"
        #expect {
            try fixture.runtime.run(id: fixture.newID(), spec: spec)
        } throws: { error in
            "\(error)".contains("/nope")
        }
    }

    @Test func namespacedSysctlIsApplied() throws {
        #expect(try output("cat /proc/sys/net/ipv4/ip_forward") { $0.sysctls = ["net.ipv4.ip_forward": "1"] } == "1")
    }

    @Test func readOnlyBindMountAndTmpfsMount() throws {
        let fixture = try Fixture()
        let host = fixture.base + "/shared"
        try FileManager.default.createDirectory(atPath: host, withIntermediateDirectories: true)
        try "data".write(toFile: host + "/f", atomically: true, encoding: .utf8)
        let (_, out) = try fixture.run(
            "cat /data/f; touch /data/g 2>/dev/null || echo ro; grep -c ' /scratch tmpfs' /proc/mounts"
        ) {
            $0.mounts = [
                MountSpec(kind: .bind(source: host), target: "/data", readOnly: true),
                MountSpec(kind: .tmpfs(sizeBytes: 1 << 20, mode: nil), target: "/scratch"),
            ]
        }
        #expect(out == "dataro\n1\n")
    }

    @Test func initProcessReapsAndRunsTheCommandAsPID2() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("echo $$")
        spec.initProcess = true
        try fixture.runtime.run(id: id, spec: spec)
        let state = try fixture.runtime.wait(id: id)
        #expect(state.exitCode == 0)
        #expect(try fixture.runtime.logs(id: id).map(\.log) != ["1\n"])
    }

    @Test func initProcessKeepsNoSupervisorDescriptors() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("exec sleep 1000")
        spec.initProcess = true
        let state = try fixture.runtime.run(id: id, spec: spec)
        let pid = try #require(state.pid)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").isEmpty)
        try fixture.runtime.stop(id: id, graceMilliseconds: 2000)
    }

    @Test func execJoinsTheContainerAndPropagatesExitCodes() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        try fixture.runtime.run(id: id, spec: fixture.spec("exec sleep 1000"))
        var check = ExecSpec(arguments: ["sh", "-c", "[ \"$(cat /proc/1/comm)\" = sleep ] && [ \"$X\" = y ] && exit 7"])
        check.environment = ["X=y"]
        #expect(try fixture.runtime.exec(id: id, check) == 7)
        #expect(try fixture.runtime.exec(id: id, ExecSpec(arguments: ["nonexistent-binary"])) == 127)
        // sleep as PID 1 has no SIGTERM handler, so the kernel ignores it: SIGKILL after grace.
        let state = try fixture.runtime.stop(id: id, graceMilliseconds: 300)
        #expect(state.status == .exited)
        #expect(state.exitCode == 137)
    }

    @Test func killedContainerIsRestartedByPolicyAndLogsSurvive() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("echo started; exec sleep 1000")
        spec.restartPolicy = .always
        let first = try fixture.runtime.run(id: id, spec: spec)
        let pid = try #require(first.pid)
        #expect(try fixture.eventually { try fixture.runtime.logs(id: id).contains { $0.log == "started\n" } })
        kill(pid, SIGKILL)
        #expect(
            try fixture.eventually {
                let s = try fixture.runtime.state(id: id)
                return s.restartCount == 1 && s.status == .running && s.pid != pid
            })
        #expect(try fixture.eventually { try fixture.runtime.logs(id: id).filter { $0.log == "started\n" }.count == 2 })
        let stopped = try fixture.runtime.stop(id: id, graceMilliseconds: 1000)
        #expect(stopped.status == .exited)
        #expect(stopped.restartCount == 1)
    }

    @Test func supervisorRunsInItsOwnSessionDetachedFromTheCaller() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        let state = try fixture.runtime.run(id: id, spec: fixture.spec("exec sleep 1000"))
        let supervisor = try #require(state.supervisorPid)
        // Its own session, and not a child of this process (the CLI stand-in here).
        #expect(getsid(supervisor) != getsid(0))
        let stat = try String(contentsOfFile: "/proc/\(supervisor)/stat", encoding: .utf8)
        let parent = stat.split(separator: ")").last?.split(separator: " ").dropFirst().first
        #expect(parent != nil && parent != Substring(String(getpid())))
        try fixture.runtime.stop(id: id, graceMilliseconds: 500)
    }

    @Test func healthcheckMarksTheContainerHealthy() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("exec sleep 1000")
        var check = HealthcheckSpec(test: .shell("test -d /proc/1"))
        check.intervalMilliseconds = 100
        check.timeoutMilliseconds = 2000
        spec.healthcheck = check
        try fixture.runtime.run(id: id, spec: spec)
        #expect(try fixture.eventually { try fixture.runtime.state(id: id).health == .healthy })
        try fixture.runtime.stop(id: id, graceMilliseconds: 500)
    }
}
