import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct IncludeTests {
    @Test("an included project uses its own .env and directory, and its resources are copied in")
    func includedProject() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("db/.env", "DB_IMAGE=postgres:16\nSHARED=from-db-env\n")
        try f.write(
            "db/compose.yaml",
            """
            services:
              db:
                image: ${DB_IMAGE}
                environment: {SHARED: "${SHARED}"}
                volumes: ["./data:/var/lib/postgresql/data"]
            volumes:
              pgdata: {}
            secrets:
              token:
                file: ./token.txt
            """)
        try f.write(
            "compose.yaml",
            """
            include:
              - db/compose.yaml
            services:
              web:
                image: nginx
                depends_on: [db]
            """)
        let stack = try f.load(f.options(environment: ["SHARED": "from-process"]))
        #expect(stack.root["include"] == nil)
        #expect(stack.root.at("services")?.keys == ["web", "db"])
        #expect(stack.root.text("services.db.image") == "postgres:16")
        #expect(stack.root.text("services.db.environment.SHARED") == "from-process")
        #expect(stack.root.at("services.db.volumes")?.texts == [f.root + "/db/data:/var/lib/postgresql/data"])
        #expect(stack.root.text("secrets.token.file") == f.root + "/db/token.txt")
        #expect(stack.root.at("volumes")?.keys == ["pgdata"])
        #expect(stack.root.at("services.db.image")?.location.description == "db/compose.yaml:3:12")
    }

    @Test("the long form takes several paths, a project directory and env files")
    func longForm() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("lib/a.yaml", "services:\n  svc:\n    image: ${IMG}\n    build: .\n")
        try f.write("lib/b.yaml", "services:\n  svc:\n    command: from-b\n")
        try f.write("vars.env", "IMG=busybox\n")
        try f.write(
            "compose.yaml",
            """
            include:
              - path: [lib/a.yaml, lib/b.yaml]
                project_directory: elsewhere
                env_file: vars.env
            """)
        let stack = try f.load(f.options())
        #expect(stack.root.text("services.svc.image") == "busybox")
        #expect(stack.root.text("services.svc.command") == "from-b")
        #expect(stack.root.text("services.svc.build") == f.root + "/elsewhere")
    }

    @Test("a resource defined by the includer and an included file is an error naming both")
    func conflict() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("other.yaml", "services:\n  web:\n    image: other\n  same: {image: x}\n")
        try f.write(
            "compose.yaml",
            """
            include: [other.yaml]
            services:
              web:
                image: mine
              same: {image: x}
            """)
        let error = f.failure(f.options())
        #expect(
            error
                == "compose.yaml:3:3: error: services.web: service 'web' is defined both at compose.yaml:3:3 and in the included file at other.yaml:2:3"
        )
    }

    @Test("an include cycle is an error")
    func cycle() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("a.yaml", "include: [b.yaml]\n")
        try f.write("b.yaml", "include: [compose.yaml]\n")
        try f.write("compose.yaml", "include: [a.yaml]\n")
        let error = f.failure(f.options())
        #expect(error == "b.yaml:1:11: error: include[0]: include cycle: compose.yaml → a.yaml → b.yaml → compose.yaml")
    }

    @Test("remote includes are refused with a clear error")
    func remote() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "include:\n  - oci://docker.io/example/app:latest\n")
        #expect(
            f.failure(f.options())
                == "compose.yaml:2:5: error: include[0]: including a remote compose file (oci://docker.io/example/app:latest) is not supported"
        )
    }
}
