import Foundation
import Testing

@testable import BerthModel

/// Realistic stacks used by golden, round-trip and hash tests.
enum Samples {
    static let webAndDatabase = """
        name: shop
        services:
          web:
            image: nginx:1.27
            ports:
              - "8080:80"
              - target: 443
                published: 8443
            environment:
              - LOG_LEVEL=info
              - WORKERS=4
            depends_on:
              db:
                condition: service_healthy
            volumes:
              - ./html:/usr/share/nginx/html:ro
            restart: unless-stopped
          db:
            image: postgres:16
            environment:
              POSTGRES_PASSWORD: secret
            volumes:
              - db-data:/var/lib/postgresql/data
            healthcheck:
              test: ["CMD-SHELL", "pg_isready -U postgres"]
              interval: 90s
              timeout: 5s
              retries: 5
              start_period: 30s
            shm_size: 128m
        volumes:
          db-data:
        """

    static let oneShotJob = """
        services:
          migrate:
            image: app:latest
            command: ./manage.py migrate --noinput
            restart: "no"
          app:
            image: app:latest
            command: ["gunicorn", "app.wsgi"]
            depends_on:
              migrate:
                condition: service_completed_successfully
            deploy:
              resources:
                limits:
                  cpus: "0.5"
                  memory: 256m
            stop_grace_period: 1m30s
            x-owner: team-a
        x-common: &common
          labels: {tier: backend}
        """

    static let everything = """
        services:
          proxy:
            image: "traefik:v3"
            ports: ["[::1]:80:80", "127.0.0.1::443/udp", "9000-9001:9000-9001", "7000-7001:7000"]
            networks:
              front: {aliases: [edge], ipv4_address: 172.30.0.10, priority: 5}
              back:
            cap_add: [NET_BIND_SERVICE]
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            extra_hosts: ["db.local:10.0.0.1"]
            ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 64}
            sysctls: {net.ipv4.ip_unprivileged_port_start: "0"}
            labels: ["a=1", "yes=no", "empty"]
            tmpfs: ["/run:size=1m"]
            configs: [proxy_conf, {source: rules, target: /etc/rules, mode: 0440}]
            secrets: [token]
            healthcheck: {test: [CMD, wget, -q, localhost], interval: 1h2m3s4ms}
            environment: {QUOTE: "it's \\"quoted\\"", MULTI: "a\\nb", SPACE: " padded ", NUM: "007", BOOL: "true", EMPTY: ""}
            entrypoint: []
            user: "0"
            pid: host
            dns: ["9.9.9.9"]
            init: true
          worker:
            image: busybox
            network_mode: "service:proxy"
            ipc: "service:proxy"
            command: sh -c "sleep 1"
            scale: 2
            tty: true
            volumes:
              - type: tmpfs
                target: /scratch
                tmpfs: {size: 1g, mode: 0700}
              - /anonymous
          debug:
            image: busybox
            profiles: [dbg]
        networks:
          front:
            ipam:
              config: [{subnet: 172.30.0.0/16, gateway: 172.30.0.1, ip_range: 172.30.5.0/24}]
            labels: {purpose: edge}
          back:
            internal: true
            enable_ipv6: true
            ipam:
              config: [{subnet: "fd00:1::/64"}]
        configs:
          proxy_conf:
            content: |
              entryPoints: {}
          rules:
            environment: RULES
        secrets:
          token:
            environment: TOKEN
        x-meta: {ratio: 1., big: 1e3, hex: 0x10, flag: true, none: null, text: "1.5", list: [+2.5, "a: b"]}
        """

    static let environment = ["RULES": "deny all", "TOKEN": "t0ken"]
    static let all = [webAndDatabase, oneShotJob, everything]
}

struct CanonicalOutputTests {
    @Test func webAndDatabaseGolden() throws {
        let t = try topology(Samples.webAndDatabase)
        #expect(
            t.canonicalYAML() == """
                name: demo
                services:
                  db:
                    environment:
                      POSTGRES_PASSWORD: secret
                    healthcheck:
                      interval: 1m30s
                      retries: 5
                      start_period: 30s
                      test:
                        - CMD-SHELL
                        - pg_isready -U postgres
                      timeout: 5s
                    image: postgres:16
                    networks:
                      default: null
                    shm_size: "134217728"
                    volumes:
                      - source: db-data
                        target: /var/lib/postgresql/data
                        type: volume
                  web:
                    depends_on:
                      db:
                        condition: service_healthy
                        required: true
                    environment:
                      LOG_LEVEL: info
                      WORKERS: "4"
                    image: nginx:1.27
                    networks:
                      default: null
                    ports:
                      - mode: ingress
                        protocol: tcp
                        published: "8080"
                        target: 80
                      - mode: ingress
                        protocol: tcp
                        published: "8443"
                        target: 443
                    restart: unless-stopped
                    volumes:
                      - bind:
                          create_host_path: true
                        read_only: true
                        source: /proj/html
                        target: /usr/share/nginx/html
                        type: bind
                networks:
                  default:
                    name: demo_default
                volumes:
                  db-data:
                    name: demo_db-data

                """)
    }

    @Test func oneShotJobGolden() throws {
        let t = try topology(Samples.oneShotJob)
        #expect(
            t.canonicalYAML() == """
                name: demo
                services:
                  app:
                    command:
                      - gunicorn
                      - app.wsgi
                    depends_on:
                      migrate:
                        condition: service_completed_successfully
                        required: true
                    deploy:
                      resources:
                        limits:
                          cpus: 0.5
                          memory: "268435456"
                    image: app:latest
                    networks:
                      default: null
                    stop_grace_period: 1m30s
                    x-owner: team-a
                  migrate:
                    command:
                      - ./manage.py
                      - migrate
                      - --noinput
                    image: app:latest
                    networks:
                      default: null
                    restart: "no"
                networks:
                  default:
                    name: demo_default
                x-common:
                  labels:
                    tier: backend

                """)
    }

    @Test(arguments: Samples.all.indices)
    func canonicalYAMLRoundTrips(sample: Int) throws {
        let t = try topology(Samples.all[sample], profiles: ["dbg"], environment: Samples.environment)
        try expectRoundTrip(t, profiles: ["dbg"], environment: Samples.environment)
    }

    @Test func outputIsDeterministic() throws {
        let a = try topology(Samples.everything, environment: Samples.environment)
        let b = try topology(Samples.everything, environment: Samples.environment)
        #expect(a.canonicalYAML() == b.canonicalYAML())
        #expect(a.canonicalJSON() == b.canonicalJSON())
    }

    @Test func jsonIsValidAndMatchesTheYAMLContent() throws {
        let t = try topology(Samples.everything, environment: Samples.environment)
        let data = Data(t.canonicalJSON().utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let services = try #require(object["services"] as? [String: Any])
        #expect(services.keys.sorted() == ["proxy", "worker"])
        let proxy = try #require(services["proxy"] as? [String: Any])
        let env = try #require(proxy["environment"] as? [String: String])
        #expect(env["QUOTE"] == "it's \"quoted\"" && env["MULTI"] == "a\nb" && env["SPACE"] == " padded ")
    }

    @Test func ambiguousStringsAreQuoted() {
        for text in [
            "true", "no", "null", "~", "007", "1.5", "1e3", " x", "x ", "a: b", "#c", "- x", "", "0x1F", "10:30",
            "1_000",
            "-5", ".5", "2024-01-02", "80-85", "+1", "0o17", ".inf", "-.inf",
        ] {
            #expect(YAMLEmitter.needsQuotes(text), "\(text)")
        }
        for text in [
            "nginx:1.27", "1m30s", "/usr/bin", "hello world", "CMD-SHELL", "a=b", "127.0.0.1", "--noinput", "1.2.3",
        ] {
            #expect(!YAMLEmitter.needsQuotes(text), "\(text)")
        }
    }
}
