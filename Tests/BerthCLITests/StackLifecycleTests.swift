import BerthSystem
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `berth up/plan/ps/exec/scale/down` against the real kernel, through the built binary.
/// Root only; serialized because they publish host ports and create bridges.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root for namespaces, bridges and mounts"))
struct StackLifecycleTests {
    static var samples: URL { BerthBinary.packageRoot.appendingPathComponent("samples") }

    @Test(.timeLimit(.minutes(2)))
    func webSampleServesItsPageThenPlansNoChangesThenExplainsARecreateThenLeavesNothing() throws {
        let fixture = try StackFixture()
        let compose = Self.samples.appendingPathComponent("web/compose.yaml").path
        let port = try StackFixture.freePort()
        let env = ["WEB_PORT": String(port)]
        let files = ["-f", compose]
        defer { fixture.cleanUp(["web": files]) }

        let up = try fixture.berth(["up"], files + ["-d", "--wait"], environment: env)
        try #require(up.status == 0, "\(up.stderr)")
        #expect(up.stderr.contains("Container web-web-1  Started"))
        let page = StackFixture.httpGet(port: port)
        #expect(page?.contains("Hello from berth") == true, "GET 127.0.0.1:\(port) gave \(page ?? "nothing")")

        let ps = try fixture.berth(["ps"], files, environment: env)
        #expect(ps.stdout.contains("web-web-1"))
        #expect(ps.stdout.contains("(healthy)"), "\(ps.stdout)")
        #expect(ps.stdout.contains("127.0.0.1:\(port)->80/tcp"))

        let plan = try fixture.berth(["plan"], files + ["--detailed-exitcode"], environment: env)
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("No changes"))

        let override = try fixture.directory.write(
            "override.yaml", "services:\n  web:\n    environment:\n      LOG_LEVEL: debug\n")
        let changed = try fixture.berth(
            ["plan"], files + ["-f", override.path, "--detailed-exitcode"], environment: env)
        #expect(changed.status == 2, "\(changed.stderr)")
        #expect(changed.stdout.contains("-/+"), "\(changed.stdout)")
        #expect(changed.stdout.contains("environment.LOG_LEVEL"), "\(changed.stdout)")

        let down = try fixture.berth(["down"], files + ["-t", "1"], environment: env)
        #expect(down.status == 0, "\(down.stderr)")
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/projects/web/state.json"))
        #expect(StackFixture.httpGet(port: port) == nil)
        let links = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? []
        #expect(!links.contains { fixture.recordedInterfaces().contains($0) })
    }

    static let duo = """
        name: duo
        services:
          web:
            image: busybox:latest
            command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www"]
            ports:
              - "${DUO_PORT}:80"
            networks: [front]
          client:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
            networks: [front, back]
          db:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
            networks: [back]
        networks:
          front: {}
          back: {}
        """

    @Test(.timeLimit(.minutes(2)))
    func servicesTalkByNameScaleBehindOnePortAndOtherNetworksStayUnreachable() throws {
        let fixture = try StackFixture()
        let compose = try fixture.directory.write("duo/compose.yaml", Self.duo).path
        let port = try StackFixture.freePort()
        let env = ["DUO_PORT": String(port)]
        let files = ["-f", compose]
        defer { fixture.cleanUp(["duo": files]) }

        let up = try fixture.berth(["up"], files + ["-d", "--wait"], environment: env)
        try #require(up.status == 0, "\(up.stderr)")

        let byName = try fixture.berth(["exec"], files + ["client", "wget", "-qO-", "http://web/"], environment: env)
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(byName.stdout.contains("duo-web-1"))

        let isolated = try fixture.berth(
            ["exec"], files + ["db", "wget", "-T", "2", "-qO-", "http://web/"], environment: env)
        #expect(isolated.status != 0)
        #expect(!isolated.stdout.contains("duo-web"))

        let scale = try fixture.berth(["scale"], files + ["web=3"], environment: env)
        try #require(scale.status == 0, "\(scale.stderr)")
        let lookup = try fixture.berth(["exec"], files + ["client", "nslookup", "web"], environment: env)
        #expect(lookup.status == 0, "\(lookup.stderr)")
        let addresses = Set(
            lookup.stdout.split(separator: "\n").filter { $0.hasPrefix("Address: ") }.map { String($0.dropFirst(9)) })
        #expect(addresses.count == 3, "\(lookup.stdout)")

        var hosts = Set<String>()
        for _ in 0..<30 where hosts.count < 3 {
            if let body = StackFixture.httpGet(port: port) {
                hosts.insert(body.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        #expect(hosts == ["duo-web-1", "duo-web-2", "duo-web-3"])

        let exitCode = try fixture.berth(["exec"], files + ["client", "sh", "-c", "exit 7"], environment: env)
        #expect(exitCode.status == 7)

        let down = try fixture.berth(["down"], files + ["-t", "1"], environment: env)
        #expect(down.status == 0, "\(down.stderr)")
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(2)))
    func namedVolumeDataSurvivesDownAndIsGoneAfterDownWithVolumes() throws {
        let fixture = try StackFixture()
        let compose = try fixture.directory.write(
            "vol/compose.yaml",
            """
            name: vol
            services:
              box:
                image: busybox:latest
                command: ["sleep", "600"]
                init: true
                volumes:
                  - data:/data
            volumes:
              data: {}
            """
        ).path
        let files = ["-f", compose]
        defer { fixture.cleanUp(["vol": files]) }

        try #require(try fixture.berth(["up"], files + ["-d", "--wait"]).status == 0)
        let write = try fixture.berth(["exec"], files + ["box", "sh", "-c", "echo kept > /data/file"])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(try fixture.berth(["down"], files + ["-t", "1"]).status == 0)

        try #require(try fixture.berth(["up"], files + ["-d", "--wait"]).status == 0)
        let read = try fixture.berth(["exec"], files + ["box", "cat", "/data/file"])
        #expect(read.stdout == "kept\n", "\(read.stderr)")
        #expect(try fixture.berth(["down"], files + ["-v", "-t", "1"]).status == 0)

        try #require(try fixture.berth(["up"], files + ["-d", "--wait"]).status == 0)
        let gone = try fixture.berth(["exec"], files + ["box", "cat", "/data/file"])
        #expect(gone.status != 0)
        #expect(try fixture.berth(["down"], files + ["-v", "-t", "1"]).status == 0)
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/volumes/vol_data"))
    }

    @Test(.timeLimit(.minutes(2)))
    func migrationJobCompletesBeforeTheAppStarts() throws {
        let fixture = try StackFixture()
        let compose = Self.samples.appendingPathComponent("migrate/compose.yaml").path
        let files = ["-f", compose]
        defer { fixture.cleanUp(["migrate": files]) }

        let up = try fixture.berth(["up"], files + ["-d", "--wait"])
        try #require(up.status == 0, "\(up.stderr)")
        let ps = try fixture.berth(["ps"], files + ["-a", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(ps.stdout.utf8)) as? [[String: Any]] ?? []
        let migrate = rows.first { $0["Service"] as? String == "migrate" }
        let app = rows.first { $0["Service"] as? String == "app" }
        #expect(migrate?["State"] as? String == "exited")
        #expect(migrate?["ExitCode"] as? Int == 0)
        // app's command runs only when the schema exists: it is running, so the job finished first.
        #expect(app?["State"] as? String == "running", "\(ps.stdout)")
        let schema = try fixture.berth(["exec"], files + ["app", "cat", "/data/schema.sql"])
        #expect(schema.stdout.contains("CREATE TABLE") || !schema.stdout.isEmpty, "\(schema.stderr)")
        #expect(try fixture.berth(["down"], files + ["-v", "-t", "1"]).status == 0)
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(2)))
    func aRecordLeftHalfCreatedIsUndoneAndRecreatedByTheNextUp() throws {
        let fixture = try StackFixture()
        let compose = try fixture.directory.write(
            "crash/compose.yaml",
            """
            name: crash
            services:
              box:
                image: busybox:latest
                command: ["sleep", "600"]
                init: true
            """
        ).path
        let files = ["-f", compose]
        defer { fixture.cleanUp(["crash": files]) }
        try #require(try fixture.berth(["up"], files + ["-d"]).status == 0)

        // What a SIGKILL between "record written" and "kernel object made" leaves behind.
        let statePath = fixture.root + "/projects/crash/state.json"
        let text = try String(contentsOfFile: statePath, encoding: .utf8)
        let halfMade = text.replacingOccurrences(
            of: #""phase" ?: ?"created""#, with: #""phase":"creating""#, options: .regularExpression)
        try #require(halfMade != text, "no created phase in \(text)")
        try halfMade.write(toFile: statePath, atomically: true, encoding: .utf8)

        let plan = try fixture.berth(["plan"], files)
        #expect(plan.stdout.contains("crash-box-1"), "\(plan.stdout)")
        let again = try fixture.berth(["up"], files + ["-d"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try fixture.berth(["ps"], files + ["-q"]).stdout == "crash-box-1\n")
        #expect(try fixture.berth(["plan"], files + ["--detailed-exitcode"]).status == 0)
        #expect(try fixture.berth(["down"], files + ["-t", "1"]).status == 0)
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(2)))
    func containersGetDockersEntrypointEnvironmentAndNameRules() throws {
        let fixture = try StackFixture()
        let compose = try fixture.directory.write(
            "rules/compose.yaml",
            """
            name: rules
            services:
              probe:
                image: busybox:latest
                entrypoint: ["sh", "-c"]
                command: ["echo \\"cwd=$$(pwd) host=$$(hostname) path=$$PATH greet=$$GREETING\\"; cat /etc/resolv.conf /etc/hosts"]
                working_dir: /tmp
                environment:
                  GREETING: hi
                networks:
                  default:
                    aliases: [prober]
            """
        ).path
        let files = ["-f", compose]
        defer { fixture.cleanUp(["rules": files]) }
        let up = try fixture.berth(["up"], files + ["-d", "--wait"])
        try #require(up.status == 0, "\(up.stderr)")
        let logs = try fixture.berth(["logs"], files + ["--no-log-prefix"])
        #expect(
            logs.stdout.contains("cwd=/tmp host=rules-probe-1 path=/usr/sbin:/usr/bin:/sbin:/bin greet=hi"),
            "\(logs.stdout)")
        #expect(logs.stdout.contains("nameserver 10.213."), "\(logs.stdout)")
        #expect(logs.stdout.contains("rules-probe-1 prober"), "\(logs.stdout)")
        let ps = try fixture.berth(["ps"], files + ["-a"])
        #expect(ps.stdout.contains("Exited (0)"), "\(ps.stdout)")
        #expect(try fixture.berth(["down"], files + ["-t", "1"]).status == 0)
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(1)))
    func aTakenHostPortFailsUpBeforeAnythingIsCreated() throws {
        let fixture = try StackFixture()
        let compose = Self.samples.appendingPathComponent("web/compose.yaml").path
        let files = ["-f", compose]
        defer { fixture.cleanUp(["web": files]) }
        let port = try StackFixture.freePort()
        let holder = try Socket.open(.tcp)
        defer { holder.close() }
        try holder.bind(to: SocketAddressV4(host: 0x7F00_0001, port: UInt16(port)))
        try holder.listen(backlog: 1)

        let up = try fixture.berth(["up"], files + ["-d"], environment: ["WEB_PORT": String(port)])
        #expect(up.status != 0)
        #expect(up.stderr.contains("service web: ports[0] (127.0.0.1:\(port):80/tcp)"), "\(up.stderr)")
        #expect(up.stderr.contains("already in use"), "\(up.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/projects/web/state.json"))
    }
}
