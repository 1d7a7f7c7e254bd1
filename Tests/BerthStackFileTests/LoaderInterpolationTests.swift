import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct LoaderInterpolationTests {
    @Test("an unset variable warns at the column of its dollar, with the key path")
    func unsetPosition() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              web:
                image: "nginx:${TAG}"
                command: echo $WHO and ${WHO}
                labels:
                  note: |
                    multi $LINE
            """)
        let stack = try f.load(f.options())
        #expect(
            stack.warnings.map(\.description) == [
                "compose.yaml:3:19: warning: services.web.image: the \"TAG\" variable is not set; defaulting to a blank string",
                "compose.yaml:4:19: warning: services.web.command: the \"WHO\" variable is not set; defaulting to a blank string",
                "compose.yaml:4:28: warning: services.web.command: the \"WHO\" variable is not set; defaulting to a blank string",
                "compose.yaml:6:13: warning: services.web.labels.note: the \"LINE\" variable is not set; defaulting to a blank string",
            ])
        #expect(stack.root.text("services.web.image") == "nginx:")
        #expect(stack.root.at("services.web.image")?.scalar?.style == .doubleQuoted)
        #expect(stack.root.text("services.web.command") == "echo  and ")
    }

    @Test("$$ is a literal dollar and keys are never interpolated")
    func dollarDollar() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              web:
                image: busybox
                command: sh -c 'echo $$HOME'
                labels:
                  ${KEY}: "$$"
            """)
        let stack = try f.load(f.options(environment: ["KEY": "k"]))
        #expect(stack.root.text("services.web.command") == "sh -c 'echo $HOME'")
        #expect(stack.root.at("services.web.labels")?.keys == ["${KEY}"])
        #expect(stack.warnings.isEmpty)
    }

    @Test("a required variable stops loading with the user's message at its position")
    func requiredVariable() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              db:
                environment:
                  PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}
                image: ${BAD
            """)
        #expect(
            f.failure(f.options()) == """
                compose.yaml:4:17: error: services.db.environment.PASSWORD: required variable 'DB_PASSWORD' is missing a value: set DB_PASSWORD in .env
                compose.yaml:5:12: error: services.db.image: invalid interpolation: '${BAD' is not closed with '}'
                """)
    }

    @Test("the process environment overrides .env, which fills the rest; .env values see their own earlier keys")
    func envPrecedence() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(".env", "A=from-file\nB=from-file\nC=${A}-derived\n")
        try f.write("compose.yaml", "services:\n  web:\n    image: \"${A}/${B}/${C}\"\n")
        let stack = try f.load(f.options(environment: ["A": "from-process"]))
        #expect(stack.root.text("services.web.image") == "from-process/from-file/from-file-derived")
        #expect(stack.environment["B"] == "from-file")
        #expect(stack.environment["A"] == "from-process")
    }

    @Test("--env-file replaces .env; later env files override earlier ones; a missing one is an error")
    func explicitEnvFiles() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(".env", "A=dotenv\n")
        try f.write("one.env", "A=one\nB=one\n")
        try f.write("two.env", "B=two\n")
        try f.write("compose.yaml", "services:\n  web:\n    image: \"${A}-${B}\"\n")
        let stack = try f.load(f.options(envFiles: ["one.env", "two.env"]))
        #expect(stack.root.text("services.web.image") == "one-two")
        let error = f.failure(f.options(envFiles: ["nope.env"]))
        #expect(error == "error: the env file \(f.root)/nope.env does not exist")
    }

    @Test("an obsolete version key warns and is dropped; x- extensions survive")
    func versionAndExtensions() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            version: "3.8"
            x-common: &common
              restart: always
            services:
              web:
                <<: *common
                image: nginx
            """)
        let stack = try f.load(f.options())
        #expect(stack.root["version"] == nil)
        #expect(stack.root.text("x-common.restart") == "always")
        #expect(stack.root.text("services.web.restart") == "always")
        #expect(
            stack.warnings.map(\.description) == [
                "compose.yaml:1:1: warning: version: the attribute `version` is obsolete, it will be ignored"
            ])
    }

    @Test("active profiles come from --profile, else COMPOSE_PROFILES")
    func profiles() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "services: {}\n")
        try f.write(".env", "COMPOSE_PROFILES=debug, tools\n")
        #expect(try f.load(f.options()).activeProfiles == ["debug", "tools"])
        #expect(try f.load(f.options(profiles: ["*"])).activeProfiles == ["*"])
        #expect(try f.load(f.options(environment: ["COMPOSE_PROFILES": "x"])).activeProfiles == ["x"])
    }

    @Test("an unset variable inside an anchor used by many services warns once")
    func anchorWarnsOnce() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            x-base: &base
              image: app:$VERSION
            services:
              a: *base
              b: *base
            """)
        let stack = try f.load(f.options())
        #expect(stack.warnings.map(\.location?.description) == ["compose.yaml:2:14"])
        #expect(stack.root.text("services.b.image") == "app:")
    }
}

@Suite struct UnsetVariableValueTests {
    @Test("an environment entry whose whole value is an unset variable keeps its key with an empty value")
    func unsetVariableKeepsTheKey() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "services:\n  web:\n    image: busybox\n    environment:\n      FOO: ${UNSET}\n")
        let stack = try f.load(f.options())
        let value = try #require(stack.root.at("services.web.environment.FOO")?.scalar)
        #expect(value.text == "")
        #expect(!value.isNull)
    }
}

@Suite struct SeveralDocumentTests {
    @Test("a file holding several YAML documents merges them in order, like several -f files")
    func documentsMergeInOrder() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              web:
                image: busybox
                environment: {A: "1"}
            ---
            services:
              web:
                image: busybox:1.36
                environment: {B: "2"}
              db:
                image: postgres
            """)
        let stack = try f.load(f.options())
        #expect(stack.root.text("services.web.image") == "busybox:1.36")
        #expect(stack.root.text("services.web.environment.A") == "1")
        #expect(stack.root.text("services.web.environment.B") == "2")
        #expect(stack.root.text("services.db.image") == "postgres")
    }
}
