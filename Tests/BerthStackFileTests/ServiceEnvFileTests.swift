import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct ServiceEnvFileTests {
    @Test("an unknown env_file option is an error at that key, suggesting the close one or listing all")
    func unknownOption() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml", "services:\n  web:\n    image: x\n    env_file:\n      - {path: a.env, requird: false}\n")
        let stack = Result { try StackLoader.load(f.options()) }
        guard case .failure(let error as DiagnosticsError) = stack else {
            Issue.record("expected an error")
            return
        }
        #expect(
            error.diagnostics.map(\.description) == [
                "compose.yaml:5:23: error: services.web.env_file[0].requird: unknown env_file option 'requird'"
            ])
        #expect(error.diagnostics.map(\.code) == ["unknown-key"])
        #expect(error.diagnostics.map(\.hint) == ["did you mean 'required'?"])
        try f.write("compose.yaml", "services:\n  web:\n    image: x\n    env_file:\n      - {path: a.env, zzz: 1}\n")
        let other = Result { try StackLoader.load(f.options()) }
        guard case .failure(let otherError as DiagnosticsError) = other else {
            Issue.record("expected an error")
            return
        }
        #expect(otherError.diagnostics.map(\.hint) == ["known options: path, required, format"])
    }

    @Test("env_file values go under environment, the service's own values win, positions point into the file")
    func merged() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("app.env", "# app\nFROM_FILE=1\nOVERRIDDEN=file\nBARE_IN_SERVICE=file\nUSES=${HOST_VAR}\n")
        try f.write("extra.env", "FROM_FILE=2\n")
        try f.write(
            "compose.yaml",
            """
            services:
              web:
                image: nginx
                env_file: [app.env, extra.env]
                environment:
                  - OVERRIDDEN=service
                  - BARE_IN_SERVICE
                  - ONLY_SERVICE=yes
            """)
        let stack = try f.load(f.options(environment: ["HOST_VAR": "host"]))
        let env = try #require(stack.root.at("services.web.environment"))
        #expect(env.keys == ["FROM_FILE", "BARE_IN_SERVICE", "USES", "OVERRIDDEN", "ONLY_SERVICE"])
        #expect(env.text("FROM_FILE") == "2")
        #expect(env.text("OVERRIDDEN") == "service")
        #expect(env.text("BARE_IN_SERVICE") == "file")
        #expect(env.text("USES") == "host")
        #expect(env.at("FROM_FILE")?.location.description == "extra.env:1:1")
        #expect(env.at("USES")?.location.description == "app.env:5:1")
        #expect(env.at("OVERRIDDEN")?.location.description == "compose.yaml:6:20")
        let files = try #require(stack.root.at("services.web.env_file")?.sequence)
        #expect(files.map { $0.text("path") } == [f.root + "/app.env", f.root + "/extra.env"])
        #expect(files.map { $0.text("required") } == ["true", "true"])
        #expect(stack.sources["app.env"]?.hasPrefix("# app") == true)
    }

    @Test("the long form honours required: false and format: raw")
    func longForm() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("raw.env", "LITERAL=\"$NOT ${INTERPOLATED}\"\n")
        try f.write(
            "compose.yaml",
            """
            services:
              web:
                env_file:
                  - path: ./optional.env
                    required: false
                  - path: raw.env
                    format: raw
            """)
        let stack = try f.load(f.options())
        #expect(stack.root.text("services.web.environment.LITERAL") == "\"$NOT ${INTERPOLATED}\"")
        #expect(stack.root.text("services.web.env_file[0].required") == "false")
        #expect(stack.root.text("services.web.env_file[1].format") == "raw")
    }

    @Test("a missing required env_file is an error at its entry")
    func missing() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "services:\n  web:\n    env_file:\n      - ./missing.env\n")
        #expect(
            f.failure(f.options())
                == "compose.yaml:4:9: error: services.web.env_file[0]: the env file \(f.root)/missing.env does not exist"
        )
    }

    @Test("environment in list form is normalised to a mapping")
    func normalised() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "services:\n  web:\n    environment: [A=1, B=, C]\n")
        let env = try #require(try f.load(f.options()).root.at("services.web.environment"))
        #expect(env.keys == ["A", "B", "C"])
        #expect(env.at("B")?.isNull == false)
        #expect(env.at("C")?.isNull == true)
    }
}
