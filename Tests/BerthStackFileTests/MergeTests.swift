import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct MergeTests {
    static let base = """
        services:
          web:
            image: nginx
            command: ["nginx", "-g", "daemon off;"]
            ports:
              - "8080:80"
              - "127.0.0.1:9000:9000/udp"
              - target: 443
                published: "8443"
            volumes:
              - ./html:/usr/share/nginx/html:ro
              - data:/data
            environment:
              - A=1
              - B=2
            labels:
              team: web
            dns: [1.1.1.1]
            cap_add: [NET_ADMIN]
            networks: [front]
            healthcheck:
              test: ["CMD", "true"]
              interval: 5s
            build: .
        """

    static let override = """
        services:
          web:
            command: nginx-debug
            ports:
              - "8080:80"
              - published: 8443
                target: 443
                mode: host
              - "9090:90"
            volumes:
              - ./other:/usr/share/nginx/html
              - /tmp:/tmp
            environment:
              B: "two"
              C: "3"
            labels:
              - tier=frontend
            dns: [1.1.1.1, 8.8.8.8]
            cap_add: [NET_ADMIN, SYS_TIME]
            networks:
              back:
                aliases: [api]
            healthcheck:
              test: ["CMD", "false"]
            build:
              dockerfile: Dev.Dockerfile
        """

    func merged() throws -> LoadedStack {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", Self.base)
        try f.write("dev.yaml", Self.override)
        return try f.load(f.options(files: ["compose.yaml", "dev.yaml"]))
    }

    @Test("command and healthcheck.test are replaced, not appended")
    func replaced() throws {
        let web = try #require(try merged().root.at("services.web"))
        #expect(web.text("command") == "nginx-debug")
        #expect(web.at("healthcheck.test")?.texts == ["CMD", "false"])
        #expect(web.text("healthcheck.interval") == "5s")
    }

    @Test("ports are unique by ip, published, target and protocol, in short and long form")
    func ports() throws {
        let web = try #require(try merged().root.at("services.web"))
        let ports = try #require(web.at("ports")?.sequence)
        #expect(ports.count == 4)
        #expect(ports[0].string == "8080:80")
        #expect(ports[0].location.file == "dev.yaml")
        #expect(ports[1].string == "127.0.0.1:9000:9000/udp")
        #expect(ports[2].text("mode") == "host")
        #expect(ports[3].string == "9090:90")
    }

    @Test("volumes are unique by container path; the later file wins")
    func volumes() throws {
        let web = try #require(try merged().root.at("services.web"))
        #expect(web.at("volumes")?.texts == ["./other:/usr/share/nginx/html", "data:/data", "/tmp:/tmp"])
    }

    @Test("environment and labels merge as mappings whatever form each file uses")
    func mappingLike() throws {
        let stack = try merged()
        let env = try #require(stack.root.at("services.web.environment"))
        #expect(env.keys == ["A", "B", "C"])
        #expect(env.text("B") == "two")
        #expect(env.at("B")?.location.description == "dev.yaml:14:10")
        #expect(env.at("A")?.location.description == "compose.yaml:14:11")
        let labels = try #require(stack.root.at("services.web.labels"))
        #expect(labels.keys == ["team", "tier"])
        #expect(labels.text("tier") == "frontend")
    }

    @Test("set-like lists append without duplicates; list networks merge as a mapping; build string becomes context")
    func setLike() throws {
        let web = try #require(try merged().root.at("services.web"))
        #expect(web.at("dns")?.texts == ["1.1.1.1", "8.8.8.8"])
        #expect(web.at("cap_add")?.texts == ["NET_ADMIN", "SYS_TIME"])
        #expect(web.at("networks")?.keys == ["front", "back"])
        #expect(web.at("networks.back.aliases")?.texts == ["api"])
        #expect(web.text("build.context") == ".")
        #expect(web.text("build.dockerfile") == "Dev.Dockerfile")
    }

    @Test("!reset removes the inherited value and !override replaces it whole")
    func tags() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              web:
                image: nginx
                ports: ["80:80"]
                environment: {A: "1", B: "2"}
                dns: [1.1.1.1]
            """)
        try f.write(
            "compose.override.yaml",
            """
            services:
              web:
                ports: !reset []
                environment: !override
                  C: "3"
                dns: !reset null
                cap_add: !reset [X]
            """)
        let web = try #require(try f.load(f.options()).root.at("services.web"))
        #expect(web.keys == ["image", "environment"])
        #expect(web.at("environment")?.keys == ["C"])
        #expect(web.at("environment")?.mergeTag == nil)
    }

    @Test("secrets and configs are unique by target; secrets may be strings or mappings")
    func secrets() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "services:\n  web:\n    secrets: [a, b]\n    configs: [c]\n")
        try f.write(
            "compose.override.yaml",
            "services:\n  web:\n    secrets:\n      - source: a\n        mode: 0400\n      - c\n    configs:\n      - source: c\n        target: /etc/c\n"
        )
        let web = try #require(try f.load(f.options()).root.at("services.web"))
        let secrets = try #require(web.at("secrets")?.sequence)
        #expect(secrets.count == 3)
        #expect(secrets[0].text("mode") == "0400")
        #expect(web.at("configs")?.sequence?.count == 2)
    }

    @Test("an empty service in a later file changes nothing; a new service is added")
    func emptyOverride() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "services:\n  web:\n    image: nginx\n")
        try f.write("compose.override.yaml", "services:\n  web:\n  worker:\n    image: busybox\n")
        let stack = try f.load(f.options())
        #expect(stack.root.text("services.web.image") == "nginx")
        #expect(stack.root.at("services")?.keys == ["web", "worker"])
    }

    @Test("extra_hosts, sysctls and depends_on merge as mappings; devices by target; profiles and expose as sets")
    func moreAttributes() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              web:
                extra_hosts: ["db:10.0.0.2", "cache=10.0.0.3"]
                sysctls: [net.core.somaxconn=1024]
                depends_on: [db]
                devices: ["/dev/fuse:/dev/fuse"]
                profiles: [debug]
                expose: ["80"]
            """)
        try f.write(
            "compose.override.yaml",
            """
            services:
              web:
                extra_hosts: {db: 10.0.0.9}
                sysctls: {net.ipv4.ip_forward: 1}
                depends_on:
                  cache: {condition: service_healthy}
                devices: ["/dev/null:/dev/fuse:r"]
                profiles: [debug, tools]
                expose: ["80", "443"]
            """)
        let web = try #require(try f.load(f.options()).root.at("services.web"))
        #expect(web.at("extra_hosts")?.keys == ["db", "cache"])
        #expect(web.text("extra_hosts.db") == "10.0.0.9")
        #expect(web.at("sysctls")?.keys == ["net.core.somaxconn", "net.ipv4.ip_forward"])
        #expect(web.at("depends_on")?.keys == ["db", "cache"])
        #expect(web.text("depends_on.db.condition") == "service_started")
        #expect(web.at("devices")?.texts == ["/dev/null:/dev/fuse:r"])
        #expect(web.at("profiles")?.texts == ["debug", "tools"])
        #expect(web.at("expose")?.texts == ["80", "443"])
    }

    @Test("--project-directory sets where .env and relative env_files are read")
    func projectDirectory() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("proj/.env", "IMG=from-proj\n")
        try f.write("proj/vars.env", "V=1\n")
        try f.write("files/compose.yaml", "services:\n  web:\n    image: $IMG\n    env_file: vars.env\n")
        let stack = try f.load(f.options(files: ["files/compose.yaml"], projectDirectory: "proj"))
        #expect(stack.projectDirectory == f.root + "/proj")
        #expect(stack.projectName == "proj")
        #expect(stack.root.text("services.web.image") == "from-proj")
        #expect(stack.root.text("services.web.environment.V") == "1")
    }

    @Test("logging merges only for the same driver; ulimits entries are replaced; ipam configs are unique by subnet")
    func loggingUlimitsIpam() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            """
            services:
              a:
                logging: {driver: json-file, options: {max-size: 1m}}
                ulimits: {nofile: {soft: 1024, hard: 2048}}
              b:
                logging: {driver: json-file, options: {max-size: 1m}}
            networks:
              front:
                labels: [a=1]
                ipam:
                  config:
                    - subnet: 10.1.0.0/24
                      gateway: 10.1.0.1
            """)
        try f.write(
            "compose.override.yaml",
            """
            services:
              a:
                logging: {options: {max-file: "3"}}
                ulimits: {nofile: {soft: 4096}}
              b:
                logging: {driver: local}
            networks:
              front:
                labels: {b: "2"}
                ipam:
                  config:
                    - subnet: 10.1.0.0/24
                      gateway: 10.1.0.254
                    - subnet: 10.2.0.0/24
            """)
        let root = try f.load(f.options()).root
        #expect(root.at("services.a.logging.options")?.keys == ["max-size", "max-file"])
        #expect(root.at("services.b.logging")?.keys == ["driver"])
        #expect(root.at("services.a.ulimits.nofile")?.keys == ["soft"])
        #expect(root.at("networks.front.labels")?.keys == ["a", "b"])
        #expect(root.at("networks.front.ipam.config")?.sequence?.map { $0.text("gateway") } == ["10.1.0.254", nil])
    }

    @Test("merge tags in a single file: !reset drops the value, !override is just the value")
    func tagsWithoutBase() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write(
            "compose.yaml",
            "services:\n  web:\n    image: a\n    ports: !reset [\"80:80\"]\n    dns: !override [1.1.1.1]\n")
        let web = try #require(try f.load(f.options()).root.at("services.web"))
        #expect(web.keys == ["image", "dns"])
        #expect(web.at("dns")?.mergeTag == nil)
        #expect(web.at("dns")?.texts == ["1.1.1.1"])
    }

    @Test("!override on a list replaces the inherited list instead of appending")
    func overrideList() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "services:\n  web:\n    ports: [\"80:80\", \"81:81\"]\n")
        try f.write("compose.override.yaml", "services:\n  web:\n    ports: !override [\"90:90\"]\n")
        let web = try #require(try f.load(f.options()).root.at("services.web"))
        #expect(web.at("ports")?.texts == ["90:90"])
        #expect(web.at("ports[0]")?.location.description == "compose.override.yaml:3:23")
    }
}
