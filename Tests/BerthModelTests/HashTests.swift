import BerthEncoding
import Foundation
import Testing

@testable import BerthModel

struct HashTests {
    @Test func sha256KnownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func keyOrderAndFormattingDoNotChangeTheHash() throws {
        let a = try topology(
            "services:\n  web:\n    image: nginx\n    environment: {A: '1', B: two}\n    ports: [\"8080:80\"]\n")
        let b = try topology(
            """
            services:
              web:
                ports:
                  - target: 80
                    published: "8080"
                    protocol: tcp
                environment:
                  - B=two
                  - A=1
                image: "nginx"
            """)
        #expect(a.serviceHash("web") == b.serviceHash("web"))
        #expect(a.serviceHash("web")?.count == 64)
    }

    @Test func environmentChangeChangesTheHash() throws {
        let a = try topology(service("environment: {LOG_LEVEL: info}"))
        let b = try topology(service("environment: {LOG_LEVEL: debug}"))
        #expect(a.serviceHash("web") != b.serviceHash("web"))
        let fields = try #require(b.service(named: "web")).canonicalFields
        #expect(fields.contains { $0.path == "environment.LOG_LEVEL" && $0.value == "debug" })
        #expect(fields.contains { $0.path == "image" && $0.value == "nginx" })
    }

    @Test func canonicalFieldsNamePortsByIndex() throws {
        let t = try topology(service("ports: [\"8080:80\"]"))
        let fields = try #require(t.service(named: "web")).canonicalFields
        #expect(fields.contains { $0.path == "ports[0].published" && $0.value == "8080" })
        #expect(fields.contains { $0.path == "networks.default" && $0.value == "null" })
    }

    @Test func configFileContentChangesTheHash() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let yaml = service("configs: [app]") + "configs:\n  app:\n    file: ./app.conf\n"
        try "port = 1\n".write(toFile: dir + "/app.conf", atomically: true, encoding: .utf8)
        let before = try topology(yaml, directory: dir)
        try "port = 2\n".write(toFile: dir + "/app.conf", atomically: true, encoding: .utf8)
        let after = try topology(yaml, directory: dir)
        #expect(before.serviceHash("web") != after.serviceHash("web"))
        #expect(before.canonicalYAML() == after.canonicalYAML())
        let field = try #require(after.service(named: "web")).canonicalFields.last
        #expect(field?.path == "configs[0].content")
    }

    @Test func envFileContentChangesTheHash() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let yaml = service("env_file:\n  - path: \(dir)/app.env\n    required: true")
        try "A=1\n".write(toFile: dir + "/app.env", atomically: true, encoding: .utf8)
        let before = try topology(yaml, directory: dir)
        try "A=2\n".write(toFile: dir + "/app.env", atomically: true, encoding: .utf8)
        let after = try topology(yaml, directory: dir)
        #expect(before.serviceHash("web") != after.serviceHash("web"))
    }

    @Test func missingConfigFileIsAnErrorAtItsDefinition() throws {
        let errs = try errors(service("configs: [app]") + "configs:\n  app:\n    file: ./nope.conf\n")
        #expect(
            errs == [
                "compose.yaml:7:11: error: configs.app.file: config 'app' reads '/proj/nope.conf', which cannot be read"
            ])
    }

    @Test func inlineAndEnvironmentSourcesHashByValue() throws {
        let yaml =
            service("configs: [c]\nsecrets: [s]")
            + "configs:\n  c:\n    content: hello\nsecrets:\n  s:\n    environment: TOKEN\n"
        let a = try topology(yaml, environment: ["TOKEN": "one"])
        let b = try topology(yaml, environment: ["TOKEN": "two"])
        #expect(a.serviceHash("web") != b.serviceHash("web"))
        #expect(a.secrets.first?.environmentValue == "one")
        #expect(!a.canonicalYAML().contains("one"))
        let errs = try errors(yaml)
        #expect(
            errs == [
                "compose.yaml:11:18: error: secrets.s.environment: secret 's' reads variable 'TOKEN', which is not set"
            ], "\(errs)")
    }
}
