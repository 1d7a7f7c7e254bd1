import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct ExtendsTests {
    @Test("a service extends another in the same file, short and long form, recursively, without its dependencies")
    func sameFile() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              base:
                image: app
                environment: [LEVEL=base, KEEP=yes]
                ports: ["80:80"]
                depends_on: [db]
                volumes_from: [db]
              db:
                image: db
              middle:
                extends: base
                environment: {LEVEL: middle}
              web:
                extends:
                  service: middle
                command: run
                ports: ["81:81"]
            """)
        let stack = try f.load(f.options())
        let web = try #require(stack.root.at("services.web"))
        #expect(web["extends"] == nil)
        #expect(web.text("image") == "app")
        #expect(web.text("command") == "run")
        #expect(web.at("environment")?.keys == ["LEVEL", "KEEP"])
        #expect(web.text("environment.LEVEL") == "middle")
        #expect(web.at("ports")?.texts == ["80:80", "81:81"])
        #expect(web.at("image")?.location.description == "compose.yaml:3:12")
        #expect(web["depends_on"] == nil && web["volumes_from"] == nil)
        #expect(stack.root.at("services")?.keys == ["base", "db", "middle", "web"])
    }

    @Test("a service from a file in another directory keeps its relative paths correct")
    func otherDirectory() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "common/base.yaml",
            """
            services:
              app:
                build: ./src
                env_file: app.env
                volumes:
                  - ./data:/data
                  - ../shared:/shared:ro
                  - ~/cache:/cache
                  - named:/named
                  - type: bind
                    source: ./conf
                    target: /conf
              chained:
                extends:
                  file: ../common/more.yaml
                  service: tool
            """)
        try f.write("common/more.yaml", "services:\n  tool:\n    build:\n      context: tools\n")
        try f.write("common/app.env", "FROM_FILE=1\n")
        try f.write(
            "compose.yaml",
            """
            services:
              web:
                extends: {file: common/base.yaml, service: app}
                volumes: ["./local:/local"]
              tool:
                extends: {file: common/base.yaml, service: chained}
            """)
        let stack = try f.load(f.options())
        let web = try #require(stack.root.at("services.web"))
        #expect(web.text("build") == f.root + "/common/src")
        #expect(
            web.at("volumes")?.sequence?.map { $0.scalar?.text ?? $0.text("source") ?? "?" } == [
                f.root + "/common/data:/data", f.root + "/shared:/shared:ro", "~/cache:/cache", "named:/named",
                f.root + "/common/conf", "./local:/local",
            ])
        #expect(web.text("env_file[0].path") == f.root + "/common/app.env")
        #expect(web.text("environment.FROM_FILE") == "1")
        #expect(stack.root.text("services.tool.build.context") == f.root + "/common/tools")
    }

    @Test("an extends cycle is an error showing the whole chain")
    func cycle() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              a:
                extends: b
              b:
                extends: {service: c}
              c:
                extends: a
            """)
        #expect(
            f.failure(f.options())
                == "compose.yaml:7:5: error: services.c.extends: 'extends' forms a cycle: a → b → c → a")
    }

    @Test("extending an unknown service or file is an error at the extends key with a suggestion")
    func unknown() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("base.yaml", "services:\n  webapp: {image: x}\n")
        try f.write(
            "compose.yaml",
            """
            services:
              one:
                extends: {service: wepapp, file: base.yaml}
              two:
                extends: {service: webapp, file: bsae.yaml}
            """)
        let stack = Result { try StackLoader.load(f.options()) }
        guard case .failure(let error as DiagnosticsError) = stack else {
            Issue.record("expected an error")
            return
        }
        let sorted = error.diagnostics.sorted(by: Diagnostic.ordered)
        #expect(
            sorted.map(\.description) == [
                "compose.yaml:3:5: error: services.one.extends.service: service 'one' extends 'wepapp', which is not defined in base.yaml",
                "compose.yaml:5:5: error: services.two.extends.file: service 'two' extends a service in \(f.root)/bsae.yaml, which does not exist",
            ])
        #expect(sorted.map(\.hint) == ["did you mean 'webapp'?", "did you mean 'base.yaml'?"])
    }

    @Test("an unknown extends option is an error at that key, suggesting the close one or listing both")
    func unknownOption() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              base: {image: x}
              one:
                extends: {service: base, fiel: x.yaml}
              two:
                extends: {service: base, zzz: 1}
            """)
        let stack = Result { try StackLoader.load(f.options()) }
        guard case .failure(let error as DiagnosticsError) = stack else {
            Issue.record("expected an error")
            return
        }
        let first = try #require(error.diagnostics.sorted(by: Diagnostic.ordered).first)
        #expect(
            first.description == "compose.yaml:4:30: error: services.one.extends.fiel: unknown 'extends' option 'fiel'")
        #expect(first.code == "unknown-key")
        #expect(first.hint == "did you mean 'file'?")
        try f.write("compose.yaml", "services:\n  base: {image: x}\n  two:\n    extends: {service: base, zzz: 1}\n")
        let other = Result { try StackLoader.load(f.options()) }
        guard case .failure(let otherError as DiagnosticsError) = other else {
            Issue.record("expected an error")
            return
        }
        #expect(otherError.diagnostics.map(\.hint) == ["'extends' accepts 'service' and 'file'"])
    }

    @Test("!reset in the extending service removes what the base defines")
    func resetAgainstBase() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              base:
                image: app
                ports: ["80:80"]
              web:
                extends: base
                ports: !reset []
            """)
        let web = try #require(try f.load(f.options()).root.at("services.web"))
        #expect(web.keys == ["image"])
    }
}
