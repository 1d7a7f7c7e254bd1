import Foundation
import Testing

@Suite struct ConfigCommandTests {
    static let samples = ["web", "app", "migrate"]

    @Test(arguments: samples)
    func everySampleIsValid(sample: String) throws {
        let dir = BerthBinary.packageRoot.appendingPathComponent("samples/\(sample)")
        let result = try BerthBinary.run(["config", "-q"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: samples)
    func canonicalOutputIsAFixedPoint(sample: String) throws {
        let dir = BerthBinary.packageRoot.appendingPathComponent("samples/\(sample)")
        let first = try BerthBinary.run(["config"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let tmp = try TemporaryDirectory()
        try tmp.write("compose.yaml", first.stdout)
        let second = try BerthBinary.run(["config", "--project-directory", dir.path], in: tmp.url)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == first.stdout)
    }

    @Test func canonicalOutputUsesLongSyntaxAndResolvesVariables() throws {
        let tmp = try TemporaryDirectory()
        try tmp.write(
            "compose.yaml",
            """
            services:
              web:
                image: busybox:${TAG:-1.36}
                ports: ["127.0.0.1:8080:80"]
                environment: [LOG_LEVEL=debug]
            """)
        let result = try BerthBinary.run(["config"], in: tmp.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("image: busybox:1.36"))
        #expect(result.stdout.contains("LOG_LEVEL: debug"))
        #expect(result.stdout.contains("published: \"8080\"") || result.stdout.contains("published: 8080"))
        #expect(result.stdout.contains("target: 80"))
        #expect(result.stdout.contains("default"))
    }

    @Test func invalidStackExitsOneWithPositionCaretAndHint() throws {
        let tmp = try TemporaryDirectory()
        try tmp.write(
            "compose.yaml",
            """
            services:
              web:
                image: busybox
                portz: ["80:80"]
            """)
        let result = try BerthBinary.run(["config", "-q"], in: tmp.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("compose.yaml:4:5"))
        #expect(result.stderr.contains("services.web.portz"))
        #expect(result.stderr.contains("^"))
        #expect(result.stderr.contains("did you mean 'ports'?"))
    }

    @Test func everyProblemIsReportedInOneRun() throws {
        let tmp = try TemporaryDirectory()
        try tmp.write(
            "compose.yaml",
            """
            services:
              a:
                image: busybox
                restart: sometimes
              b:
                image: busybox
                networks: [missing]
                stop_grace_period: soon
            """)
        let result = try BerthBinary.run(["config", "-q"], in: tmp.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("compose.yaml:4:"))
        #expect(result.stderr.contains("compose.yaml:7:"))
        #expect(result.stderr.contains("compose.yaml:8:"))
        #expect(result.stderr.contains("3 errors"))
    }

    @Test func jsonDiagnosticsForScripts() throws {
        let tmp = try TemporaryDirectory()
        try tmp.write("compose.yaml", "services:\n  web:\n    image: busybox\n    cpus: lots\n")
        let result = try BerthBinary.run(["config", "-q", "--format", "json"], in: tmp.url)
        #expect(result.status == 1)
        let data = Data(result.stderr.utf8)
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let first = try #require(parsed.first)
        #expect(first["line"] as? Int == 4)
        #expect(first["path"] as? String == "services.web.cpus")
    }

    @Test func usageErrorsExitTwo() throws {
        let result = try BerthBinary.run(["config", "--no-such-flag"])
        #expect(result.status == 2)
    }

    @Test func unsetVariableWarnsAndStrictMakesItAnError() throws {
        let tmp = try TemporaryDirectory()
        try tmp.write("compose.yaml", "services:\n  web:\n    image: busybox:$TAG\n")
        let lenient = try BerthBinary.run(["config", "-q"], in: tmp.url)
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("compose.yaml:3:20"))
        #expect(lenient.stderr.contains("TAG"))
        let strict = try BerthBinary.run(["config", "-q", "--strict"], in: tmp.url)
        #expect(strict.status == 1)
    }

    @Test func listingsPrintNames() throws {
        let dir = BerthBinary.packageRoot.appendingPathComponent("samples/app")
        let services = try BerthBinary.run(["config", "--services"], in: dir)
        #expect(services.stdout == "api\ndb\nfront\n")
        let volumes = try BerthBinary.run(["config", "--volumes"], in: dir)
        #expect(volumes.stdout == "dbdata\n")
        let networks = try BerthBinary.run(["config", "--networks"], in: dir)
        #expect(networks.stdout == "backend\nfrontend\n")
    }

    @Test func hashIsStableAcrossFormattingAndFollowsContent() throws {
        let tmp = try TemporaryDirectory()
        try tmp.write("compose.yaml", "services:\n  web:\n    image: busybox\n    environment: {A: '1', B: '2'}\n")
        let one = try BerthBinary.run(["config", "--hash", "web"], in: tmp.url)
        try tmp.write(
            "compose.yaml", "services:\n  web:\n    environment:\n      - B=2\n      - A=1\n    image: \"busybox\"\n")
        let two = try BerthBinary.run(["config", "--hash", "*"], in: tmp.url)
        #expect(one.status == 0 && two.status == 0)
        #expect(one.stdout == two.stdout)
        #expect(one.stdout.hasPrefix("web "))
        try tmp.write("compose.yaml", "services:\n  web:\n    image: busybox\n    environment: {A: '1', B: '3'}\n")
        let three = try BerthBinary.run(["config", "--hash", "web"], in: tmp.url)
        #expect(three.stdout != one.stdout)
    }

    @Test func hashCoversEnvFileContent() throws {
        let tmp = try TemporaryDirectory()
        try tmp.write("compose.yaml", "services:\n  web:\n    image: busybox\n    env_file: web.env\n")
        try tmp.write("web.env", "LEVEL=info\n")
        let one = try BerthBinary.run(["config", "--hash", "web"], in: tmp.url)
        try tmp.write("web.env", "LEVEL=debug\n")
        let two = try BerthBinary.run(["config", "--hash", "web"], in: tmp.url)
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        #expect(one.stdout != two.stdout)
    }

    @Test func severalFilesMergeAndProfilesFilter() throws {
        let tmp = try TemporaryDirectory()
        try tmp.write(
            "compose.yaml",
            """
            services:
              web:
                image: busybox
                environment: {A: "1"}
              debug:
                image: busybox
                profiles: [debug]
            """)
        try tmp.write("compose.override.yaml", "services:\n  web:\n    environment: {B: \"2\"}\n")
        let plain = try BerthBinary.run(["config", "--services"], in: tmp.url)
        #expect(plain.stdout == "web\n")
        let withProfile = try BerthBinary.run(["config", "--services", "--profile", "debug"], in: tmp.url)
        #expect(withProfile.stdout == "debug\nweb\n")
        let merged = try BerthBinary.run(["config"], in: tmp.url)
        #expect(merged.stdout.contains("A: \"1\""))
        #expect(merged.stdout.contains("B: \"2\""))
    }
}
