import Foundation
import Testing

@testable import BerthRuntime

/// Security options beyond the default and lifecycle policies; real containers, needs root.
@Suite(.serialized) struct PolicyTests {
    @Test func seccompProfileFileInDockerFormatIsEnforced() throws {
        let fixture = try Fixture()
        // Everything allowed except mkdir/mkdirat, which fail with EACCES (13).
        let profile = """
            {"defaultAction": "SCMP_ACT_ALLOW",
             "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
            """
        let (_, out) = try fixture.run("mkdir /tmp/d 2>&1 | grep -c 'Permission denied'") {
            $0.security.seccomp = .profile(source: "deny-mkdir.json", json: profile)
        }
        #expect(out == "1\n")
    }

    @Test func invalidSeccompProfileIsRejectedBeforeAnythingStarts() throws {
        let fixture = try Fixture()
        var spec = fixture.spec("true")
        spec.security.seccomp = .profile(source: "bad.json", json: #"{"defaultAction": "SCMP_ACT_NOTIFY"}"#)
        #expect {
            try fixture.runtime.run(id: fixture.newID(), spec: spec)
        } throws: { error in
            "\(error)".contains("bad.json") && "\(error)".contains("SCMP_ACT_NOTIFY")
        }
    }

    @Test func privilegedGetsAllCapabilitiesAndNoSeccomp() throws {
        let fixture = try Fixture()
        let (_, out) = try fixture.run("grep -E '^(CapEff|Seccomp):' /proc/self/status") {
            $0.security.privileged = true
        }
        // Everything the host's root has (it may itself lack some capabilities).
        let host = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let bounding = try #require(host.split(separator: "\n").first { $0.hasPrefix("CapBnd:") })
        #expect(out.contains("Seccomp:\t0"))
        #expect(out.contains("CapEff:" + bounding.dropFirst(7)))
    }

    @Test func onFailureRestartsUpToItsLimitThenStops() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("echo run; exit 3")
        spec.restartPolicy = .onFailure(maxRetries: 2)
        try fixture.runtime.run(id: id, spec: spec)
        let state = try fixture.runtime.wait(id: id)
        #expect(state.restartCount == 2)
        #expect(state.exitCode == 3)
        #expect(try fixture.runtime.logs(id: id).filter { $0.log == "run\n" }.count == 3)
    }

    @Test func failingHealthcheckTurnsUnhealthyAfterRetries() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("exec sleep 1000")
        var check = HealthcheckSpec(test: .command(["false"]))
        check.intervalMilliseconds = 50
        check.retries = 2
        spec.healthcheck = check
        try fixture.runtime.run(id: id, spec: spec)
        #expect(try fixture.eventually { try fixture.runtime.state(id: id).health == .unhealthy })
        #expect(try fixture.runtime.state(id: id).healthFailingStreak >= 2)
        try fixture.runtime.stop(id: id, graceMilliseconds: 200)
    }

    @Test func hostBinaryIsUnreachableThroughProcOfTheInit() throws {
        // init: true keeps PID 1 in the supervisor image; it is non-dumpable, so the container
        // (root, default capabilities) cannot open /proc/1/exe to overwrite the host binary.
        let fixture = try Fixture()
        let (_, out) = try fixture.run(
            "cat /proc/1/exe > /dev/null 2>&1 || echo unreachable; readlink /proc/1/exe || echo hidden"
        ) {
            $0.initProcess = true
        }
        #expect(out == "unreachable\nhidden\n")
    }

    @Test func containerCwdAndRootAreInsideTheRootfs() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("exec sleep 1000")
        spec.process.workingDirectory = "/tmp"
        try fixture.runtime.run(id: id, spec: spec)
        let check = ExecSpec(arguments: [
            "sh", "-c", #"[ "$(readlink /proc/1/cwd)" = /tmp ] && [ "$(readlink /proc/1/root)" = / ]"#,
        ])
        #expect(try fixture.runtime.exec(id: id, check) == 0)
        try fixture.runtime.stop(id: id, graceMilliseconds: 100)
    }

    @Test func removeDeletesStateAndCgroups() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("exec sleep 1000")
        spec.resources.memoryBytes = 64 << 20
        try fixture.runtime.run(id: id, spec: spec)
        let cgroups = Cgroup(id: id).directories
        #expect(cgroups.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        #expect(throws: RuntimeError.self) { try fixture.runtime.remove(id: id) }
        try fixture.runtime.remove(id: id, force: true)
        #expect(cgroups.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(!FileManager.default.fileExists(atPath: fixture.base + "/state/containers/\(id)"))
        #expect(throws: RuntimeError.self) { try fixture.runtime.state(id: id) }
    }

    @Test func rlimitsAndShmSizeAreApplied() throws {
        let fixture = try Fixture()
        let (_, out) = try fixture.run("ulimit -n; ulimit -Hn; df -k /dev/shm | tail -1 | awk '{print $2}'") {
            $0.rlimits = [ResourceLimit(name: "nofile", soft: 321, hard: 654)]
            $0.resources.shmSizeBytes = 8 << 20
        }
        #expect(out == "321\n654\n8192\n")
    }

    @Test func execRunsWithTheContainersSeccompCapabilitiesAndOverrides() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        try fixture.runtime.run(id: id, spec: fixture.spec("exec sleep 1000"))
        var check = ExecSpec(arguments: [
            "sh", "-c",
            #"grep -q "Seccomp:.2" /proc/self/status && grep -q "CapBnd:.00000000a80425fb" /proc/self/status "#
                + #"&& [ "$(id -u):$(id -g)" = 1000:1000 ] && [ "$(pwd)" = /home/app ] && [ "$Z" = 1 ]"#,
        ])
        check.user = "app"
        check.workingDirectory = "/home/app"
        check.environment = ["Z=1"]
        #expect(try fixture.runtime.exec(id: id, check) == 0)
        #expect(try fixture.runtime.exec(id: id, ExecSpec(arguments: ["unshare", "-U", "true"])) != 0)
        try fixture.runtime.stop(id: id, graceMilliseconds: 100)
    }

    @Test func stopPreventsRestartsEvenWithAlways() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("trap 'exit 0' TERM; while true; do sleep 0.05; done")
        spec.restartPolicy = .always
        try fixture.runtime.run(id: id, spec: spec)
        let state = try fixture.runtime.stop(id: id, graceMilliseconds: 5000)
        #expect(state.status == .exited)
        #expect(state.exitCode == 0)
        #expect(state.restartCount == 0)
    }

    @Test func cgroupLimitsAreWrittenBeforeTheProcessRuns() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        var spec = fixture.spec("exec sleep 1000")
        spec.resources.memoryBytes = 64 << 20
        spec.resources.cpuMillis = 500
        spec.resources.pidsLimit = 33
        let state = try fixture.runtime.run(id: id, spec: spec)
        let pid = try #require(state.pid)
        func read(_ path: String) -> String {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        switch Cgroup.detectLayout() {
        case .v1(let mounts):
            let memory = try #require(mounts["memory"])
            #expect(read("\(memory)/berth/\(id)/memory.limit_in_bytes") == "67108864")
            #expect(read("\(memory)/berth/\(id)/cgroup.procs").split(separator: "\n").contains("\(pid)"))
            if let cpu = mounts["cpu"] { #expect(read("\(cpu)/berth/\(id)/cpu.cfs_quota_us") == "50000") }
            if let pids = mounts["pids"] { #expect(read("\(pids)/berth/\(id)/pids.max") == "33") }
        case .v2(let mount):
            #expect(read("\(mount)/berth/\(id)/memory.max") == "67108864")
            #expect(read("\(mount)/berth/\(id)/cpu.max") == "50000 100000")
        }
        try fixture.runtime.stop(id: id, graceMilliseconds: 100)
    }
}
