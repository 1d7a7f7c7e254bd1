import BerthDriver
import BerthImage
import BerthRuntime
import Testing

/// The service → container mapping against docker's rules (moby's config merge, which
/// compose relies on): what runs, and with which environment.
@Suite struct ServiceToContainerGoldenTests {
    struct ProcessCase: CustomTestStringConvertible, Sendable {
        var label: String
        var imageEntrypoint: [String]?
        var imageCommand: [String]?
        /// YAML lines under the service.
        var service: String
        var expected: [String]
        var testDescription: String { label }
    }

    static let processCases: [ProcessCase] = [
        .init(
            label: "image entrypoint and cmd, service sets nothing", imageEntrypoint: ["/entry"],
            imageCommand: ["serve"], service: "", expected: ["/entry", "serve"]),
        .init(
            label: "service command replaces the image cmd, keeps its entrypoint", imageEntrypoint: ["/entry"],
            imageCommand: ["serve"], service: "command: [migrate, --all]", expected: ["/entry", "migrate", "--all"]),
        .init(
            label: "service entrypoint drops the image cmd", imageEntrypoint: ["/entry"], imageCommand: ["serve"],
            service: "entrypoint: [/other]", expected: ["/other"]),
        .init(
            label: "service entrypoint and command", imageEntrypoint: ["/entry"], imageCommand: ["serve"],
            service: "entrypoint: [/other]\n    command: [run]", expected: ["/other", "run"]),
        .init(
            label: "image cmd alone", imageEntrypoint: nil, imageCommand: ["sh"], service: "", expected: ["sh"]),
        .init(
            label: "service command string is shell-split", imageEntrypoint: nil, imageCommand: ["sh"],
            service: "command: echo 'a b' c", expected: ["echo", "a b", "c"]),
        .init(
            label: "empty service entrypoint clears the image's and keeps its cmd", imageEntrypoint: ["/entry"],
            imageCommand: ["serve"], service: "entrypoint: []", expected: ["serve"]),
        .init(
            label: "empty service entrypoint with a command runs the command alone", imageEntrypoint: ["/entry"],
            imageCommand: ["serve"], service: "entrypoint: []\n    command: [run]", expected: ["run"]),
        .init(
            label: "empty service command keeps the image's entrypoint and cmd", imageEntrypoint: ["/entry"],
            imageCommand: ["serve"], service: "command: []", expected: ["/entry", "serve"]),
    ]

    @Test(arguments: processCases)
    func processArgumentsFollowDockersMerge(_ example: ProcessCase) throws {
        let service = try service("services:\n  web:\n    image: app\n    \(example.service)\n")
        let image = try image(ImageConfig(entrypoint: example.imageEntrypoint, command: example.imageCommand))
        let spec = try containerSpec(service, image).build()
        #expect(spec.process.arguments == example.expected)
    }

    @Test func nothingToRunIsRefusedWithTheKeyToSet() throws {
        let service = try service("services:\n  web:\n    image: app\n")
        let builder = try containerSpec(service, try image(ImageConfig()))
        #expect(throws: DriverError.self) { try builder.build() }
        do {
            _ = try builder.build()
        } catch {
            #expect(error.description.contains("service web: nothing to run"))
        }
    }

    @Test func serviceEnvironmentOverridesTheImageByKeyAndKeepsTheRest() throws {
        let service = try service(
            """
            services:
              web:
                image: app
                command: [run]
                environment:
                  MODE: production
                  EXTRA: "1"
            """)
        let image = try image(ImageConfig(environment: ["PATH=/app/bin:/bin", "MODE=development", "LANG=C.UTF-8"]))
        let spec = try containerSpec(service, image).build()
        #expect(
            spec.process.environment == [
                "PATH=/app/bin:/bin", "HOSTNAME=demo-web-1", "MODE=production", "LANG=C.UTF-8", "EXTRA=1",
            ])
    }

    @Test func withoutAnImagePathTheDefaultPathIsSetAndHostnameIsTheService() throws {
        let service = try service("services:\n  web:\n    image: app\n    hostname: api\n    command: [run]\n")
        let spec = try containerSpec(service, try image(ImageConfig())).build()
        #expect(
            spec.process.environment == [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=api",
            ])
        #expect(spec.hostname == "api")
    }

    @Test func imageDefaultsApplyUnlessTheServiceSetsThem() throws {
        let image = try image(
            ImageConfig(user: "app", command: ["run"], workingDirectory: "/srv", stopSignal: "SIGQUIT"))
        let plain = try containerSpec(try service("services:\n  web:\n    image: app\n"), image).build()
        #expect(plain.process.user == "app")
        #expect(plain.process.workingDirectory == "/srv")
        #expect(plain.stopSignal == 3)
        let own = try containerSpec(
            try service(
                "services:\n  web:\n    image: app\n    user: root\n    working_dir: /tmp\n    stop_signal: SIGINT\n"),
            image
        ).build()
        #expect(own.process.user == "root")
        #expect(own.process.workingDirectory == "/tmp")
        #expect(own.stopSignal == 2)
    }
}
