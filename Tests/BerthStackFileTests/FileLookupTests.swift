import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct FileLookupTests {
    @Test("the default file is found in a parent directory together with its override file")
    func overrideAutoPickup() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "services:\n  web:\n    image: nginx\n")
        try f.write("compose.override.yaml", "services:\n  web:\n    image: nginx:override\n")
        try f.write("sub/deeper/.keep", "")
        let stack = try f.load(f.options(directory: "sub/deeper"))
        #expect(stack.files == [f.root + "/compose.yaml", f.root + "/compose.override.yaml"])
        #expect(stack.projectDirectory == f.root)
        #expect(stack.root.text("services.web.image") == "nginx:override")
        #expect(stack.root.at("services.web.image")?.location.description == f.root + "/compose.override.yaml:3:12")
    }

    @Test("docker-compose.yml gets docker-compose.override.yml")
    func legacyNames() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("docker-compose.yml", "services:\n  web:\n    image: a\n")
        try f.write("docker-compose.override.yml", "services:\n  web:\n    image: b\n")
        try f.write("compose.override.yaml", "services:\n  web:\n    image: ignored\n")
        let stack = try f.load(f.options())
        #expect(stack.root.text("services.web.image") == "b")
    }

    @Test("both compose.yaml and docker-compose.yml present warns and uses compose.yaml")
    func bothNamesWarn() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "services:\n  web:\n    image: a\n")
        try f.write("docker-compose.yml", "services:\n  web:\n    image: b\n")
        let stack = try f.load(f.options())
        #expect(stack.root.text("services.web.image") == "a")
        #expect(
            stack.warnings.map(\.summary) == [
                "found multiple config files with supported names: \(f.root)/compose.yaml, \(f.root)/docker-compose.yml; using \(f.root)/compose.yaml"
            ])
    }

    @Test("no compose file names what was tried and where")
    func nothingFound() throws {
        let f = try Fixture()
        defer { f.remove() }
        let error = f.failure(f.options())
        #expect(
            error
                == "error: no compose file found in \(f.root) or its parent directories (looked for compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml)"
        )
    }

    @Test("COMPOSE_FILE lists files with COMPOSE_PATH_SEPARATOR, and may come from .env")
    func composeFileVariable() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("a.yml", "services:\n  web:\n    image: a\n    dns: [1.1.1.1]\n")
        try f.write("b.yml", "services:\n  web:\n    dns: [8.8.8.8]\n")
        let stack = try f.load(f.options(environment: ["COMPOSE_FILE": "a.yml,b.yml", "COMPOSE_PATH_SEPARATOR": ","]))
        #expect(stack.files == [f.root + "/a.yml", f.root + "/b.yml"])
        #expect(stack.root.at("services.web.dns")?.texts == ["1.1.1.1", "8.8.8.8"])
        try f.write(".env", "COMPOSE_FILE=b.yml:a.yml\n")
        let fromDotEnv = try f.load(f.options())
        #expect(fromDotEnv.files == [f.root + "/b.yml", f.root + "/a.yml"])
        #expect(fromDotEnv.root.at("services.web.dns")?.texts == ["8.8.8.8", "1.1.1.1"])
    }

    @Test("-f paths are relative to the working directory; the project directory is the first file's")
    func explicitFiles() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("deploy/stack.yaml", "services:\n  web:\n    image: a\n")
        let stack = try f.load(f.options(files: ["deploy/stack.yaml"]))
        #expect(stack.projectDirectory == f.root + "/deploy")
        #expect(stack.projectName == "deploy")
        #expect(f.failure(f.options(files: ["-"]))?.contains("standard input") == true)
        #expect(
            f.failure(f.options(files: ["missing.yaml"]))
                == "error: the compose file \(f.root)/missing.yaml (from -f) does not exist")
    }
}
