import Foundation
import Testing

/// `kill`, `rm`, `top` and `events` on a running sample, as a user would type them.
@Suite(.serialized) struct StackOperationsTests {
    static let samples = BerthBinary.packageRoot.appendingPathComponent("samples")

    @Test(.timeLimit(.minutes(2)))
    func topShowsTheServerKillSignalsRmKeepsRunningOnesAndEventsRecordWhatHappened() throws {
        let fixture = try StackFixture()
        let files = ["-f", Self.samples.appendingPathComponent("web/compose.yaml").path]
        let env = ["WEB_PORT": String(try StackFixture.freePort())]
        defer { fixture.cleanUp(["web": files]) }

        let up = try fixture.berth(["up"], files + ["-d", "--wait"], environment: env)
        try #require(up.status == 0, "\(up.stderr)")

        let top = try fixture.berth(["top"], files, environment: env)
        #expect(top.status == 0, "\(top.stderr)")
        #expect(top.stdout.contains("web-web-1"))
        #expect(top.stdout.contains("httpd -f -v -p 80"))

        let keep = try fixture.berth(["rm"], files, environment: env)
        #expect(keep.stderr.contains("running, not removed (use --stop): web-web-1"))

        let kill = try fixture.berth(["kill"], files + ["-s", "KILL", "web"], environment: env)
        #expect(kill.status == 0, "\(kill.stderr)")
        #expect(kill.stderr.contains("Container web-web-1  Killed (SIGKILL)"))

        let removed = try fixture.berth(["rm"], files + ["--stop", "-t", "1"], environment: env)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stderr.contains("Container web-web-1  Removed"))
        let ps = try fixture.berth(["ps"], files + ["-a", "-q"], environment: env)
        #expect(ps.stdout.isEmpty, "\(ps.stdout)")

        let events = try fixture.berth(["events"], files, environment: env)
        let lines = events.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["project"] as? String == "web")
            #expect(object?["time"] is String)
        }
        #expect(events.stdout.contains(#""resource":"web""#) || events.stdout.contains("web-web-1"))

        let badSignal = try fixture.berth(["kill"], files + ["-s", "SIGNOPE"], environment: env)
        #expect(badSignal.status == 2)
    }
}

extension StackOperationsTests {
    static let job = """
        services:
          job:
            image: busybox:latest
            command: ["sh", "-c", "echo checking; exit 3"]
          server:
            image: busybox:latest
            init: true
            attach: false
            command: ["sh", "-c", "echo noisy; exec sleep 60"]
        """

    @Test(.timeLimit(.minutes(2)))
    func exitCodeFromStopsTheStackWhenTheJobEndsAndReturnsItsCodeAndAttachFalseIsSilent() throws {
        let fixture = try StackFixture()
        let files = ["-f", try fixture.directory.write("job/compose.yaml", Self.job).path]
        defer { fixture.cleanUp(["job": files]) }

        let up = try fixture.berth(["up"], files + ["--exit-code-from", "job"])
        #expect(up.status == 3, "\(up.stderr)")
        #expect(up.stdout.contains("job-1    | checking"), "\(up.stdout)")
        #expect(!up.stdout.contains("noisy"), "attach: false must keep the server's output out")
        let ps = try fixture.berth(["ps"], files + ["-q"])
        #expect(ps.stdout.isEmpty, "still running: \(ps.stdout)")

        let usage = try fixture.berth(["up"], files + ["-d", "--exit-code-from", "job"])
        #expect(usage.status == 2)
    }
}

extension StackOperationsTests {
    @Test(.timeLimit(.minutes(1)))
    func aKeyBerthCannotRunIsRefusedBeforeAnythingIsCreated() throws {
        let fixture = try StackFixture()
        let compose = """
            services:
              web:
                image: busybox:latest
                command: ["sleep", "60"]
                deploy:
                  resources:
                    reservations:
                      memory: 16m
            """
        let files = ["-f", try fixture.directory.write("reserve/compose.yaml", compose).path]
        defer { fixture.cleanUp(["reserve": files]) }

        let up = try fixture.berth(["up"], files + ["-d"])
        #expect(up.status != 0)
        #expect(up.stderr.contains("berth does not support 'deploy.resources.reservations' yet"), "\(up.stderr)")
        #expect(!up.stderr.contains("Created"), "\(up.stderr)")
        let ps = try fixture.berth(["ps"], files + ["-a", "-q"])
        #expect(ps.stdout.isEmpty)
    }
}

extension StackOperationsTests {
    static let pair = """
        services:
          db:
            image: busybox:latest
            init: true
            command: ["sleep", "600"]
          app:
            image: busybox:latest
            init: true
            command: ["sleep", "600"]
            depends_on: [db]
        """

    @Test(.timeLimit(.minutes(2)))
    func stopStartAndRestartActOnTheStackDependentsFirstAndDependenciesFirst() throws {
        let fixture = try StackFixture()
        let files = ["-f", try fixture.directory.write("pair/compose.yaml", Self.pair).path]
        defer { fixture.cleanUp(["pair": files]) }
        try #require(try fixture.berth(["up"], files + ["-d", "--wait"]).status == 0)

        let stop = try fixture.berth(["stop"], files + ["-t", "1"])
        #expect(stop.status == 0, "\(stop.stderr)")
        let appStopped = try #require(stop.stderr.range(of: "Container pair-app-1  Stopped"), "\(stop.stderr)")
        let dbStopped = try #require(stop.stderr.range(of: "Container pair-db-1  Stopped"), "\(stop.stderr)")
        #expect(appStopped.lowerBound < dbStopped.lowerBound, "the dependent stops first:\n\(stop.stderr)")
        #expect(try fixture.berth(["ps"], files + ["-q"]).stdout.isEmpty)

        let start = try fixture.berth(["start"], files)
        #expect(start.status == 0, "\(start.stderr)")
        let dbStarted = try #require(start.stderr.range(of: "Container pair-db-1  Started"), "\(start.stderr)")
        let appStarted = try #require(start.stderr.range(of: "Container pair-app-1  Started"), "\(start.stderr)")
        #expect(dbStarted.lowerBound < appStarted.lowerBound, "the dependency starts first:\n\(start.stderr)")

        let restart = try fixture.berth(["restart"], files + ["-t", "1", "app"])
        #expect(restart.status == 0, "\(restart.stderr)")
        #expect(restart.stderr.contains("Container pair-app-1  Stopped"))
        #expect(restart.stderr.contains("Container pair-app-1  Started"))
        #expect(!restart.stderr.contains("pair-db-1"), "only the named service restarts:\n\(restart.stderr)")
        #expect(try fixture.berth(["ps"], files + ["-q"]).stdout.split(separator: "\n").count == 2)

        let unknown = try fixture.berth(["stop"], files + ["cache"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("service cache has no containers in project pair"), "\(unknown.stderr)")
    }
}
