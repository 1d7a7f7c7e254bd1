import Testing

@testable import BerthModel

struct KeyValidationTests {
    @Test func unknownKeySuggestsTheClosest() throws {
        let d = try singleError(service("imagee: nginx"))
        #expect(d.description == "compose.yaml:4:5: error: services.web.imagee: unknown key 'imagee' in service 'web'")
        #expect(d.hint == "did you mean 'image'?")
    }

    @Test(arguments: [
        "build: .", "develop: {}", "devices: [/dev/x]", "gpus: all", "runtime: runc", "credential_spec: {}",
        "storage_opt: {size: 1G}", "blkio_config: {}", "cgroup_parent: x", "volumes_from: [a]", "links: [a]",
        "external_links: [a]", "logging: {driver: none}", "mac_address: 02:42:ac:11:00:02", "userns_mode: host",
        "uts: host", "oom_score_adj: 1", "cpu_shares: 2", "mem_reservation: 1g",
    ])
    func unsupportedKeysAreNamedWithLocation(line: String) throws {
        let d = try singleError(service(line))
        let key = String(line.prefix { $0 != ":" })
        #expect(d.summary == "'\(key)' is a compose key berth does not support yet")
        #expect(d.location?.description == "compose.yaml:4:5")
        #expect(d.keyPath?.description == "services.web.\(key)")
    }

    @Test func lifecycleHooksAreNamedAsUnsupportedComposeKeysWithAHint() throws {
        let d = try singleError(service("post_start:\n  - command: [touch, /ready]"))
        #expect(
            d.description
                == "compose.yaml:4:5: error: services.web.post_start: 'post_start' is a compose key berth does not support yet"
        )
        #expect(d.hint == "lifecycle hooks are not implemented")
    }

    @Test func aKeyOutsideTheComposeSpecKeepsItsDidYouMean() throws {
        let d = try singleError(service("pre_start: []"))
        #expect(d.summary == "unknown key 'pre_start' in service 'web'")
        #expect(d.hint?.hasPrefix("did you mean") == true)
    }

    /// The service keys of compose-spec's schema (schema/compose-spec.json): each is either
    /// honoured or refused by name, never reported as unknown.
    static let composeSpecServiceKeys = [
        "annotations", "attach", "build", "blkio_config", "cap_add", "cap_drop", "cgroup", "cgroup_parent",
        "command", "configs", "container_name", "cpu_count", "cpu_percent", "cpu_shares", "cpu_quota", "cpu_period",
        "cpu_rt_period", "cpu_rt_runtime", "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop",
        "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file",
        "label_file", "environment", "expose", "extends", "provider", "external_links", "extra_hosts", "gpus",
        "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels", "links", "logging",
        "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit", "network_mode", "models",
        "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start",
        "pre_stop", "privileged", "profiles", "pull_policy", "pull_refresh_after", "read_only", "restart", "runtime",
        "scale", "security_opt", "shm_size", "secrets", "sysctls", "stdin_open", "stop_grace_period", "stop_signal",
        "storage_opt", "tmpfs", "tty", "ulimits", "use_api_socket", "user", "uts", "userns_mode", "volumes",
        "volumes_from", "working_dir",
    ]

    @Test func everyComposeSpecServiceKeyIsKnown() {
        let known = ServiceParser.supported.union(ServiceParser.unsupported.keys)
        #expect(Self.composeSpecServiceKeys.filter { !known.contains($0) } == [])
    }

    @Test func everyProblemIsReportedInOneRun() throws {
        let errs = try errors(
            """
            services:
              web:
                image: x
                ports: ["x"]
                restart: sometimes
                cpus: lots
              api:
                imag: y
            networks:
              n:
                driver: overlay
            """)
        #expect(errs.count == 5)
    }

    @Test(arguments: [
        "command: {a: b}", "environment: 5", "ports: 80", "ports: [[1]]", "volumes: {a: b}",
        "healthcheck: yes", "healthcheck: {test: {a: b}}", "depends_on: 5", "deploy: []",
        "deploy: {resources: {limits: [1]}}", "ulimits: [1]", "ulimits: {nofile: [1]}", "extra_hosts: 5",
        "networks: 5", "networks: {a: [1]}", "cap_add: x", "security_opt: {a: b}", "labels: 5", "tmpfs: {a: b}",
        "init: maybe", "scale: -1", "scale: many", "configs: {a: b}", "secrets: [[x]]", "env_file: {a: b}",
        "dns: {a: b}", "expose: 80", "profiles: x", "sysctls: 1", "volumes: [{type: bind, source: [x], target: /x}]",
        "ports: [{target: x}]", "stop_grace_period: [1]", "healthcheck: {retries: x}", "deploy: {replicas: x}",
    ])
    func wrongTypesGiveLocatedErrorsNotCrashes(line: String) throws {
        let result = try build(service(line))
        #expect(result.topology == nil)
        let errs = result.diagnostics.filter { $0.severity == .error }
        #expect(!errs.isEmpty)
        #expect(errs.allSatisfy { $0.location != nil && $0.keyPath != nil && $0.hint != nil })
    }

    @Test func wrongTypesAtTheTopLevel() throws {
        #expect(
            try errors("services:\n  web:\n    image: [a]\n") == [
                "compose.yaml:3:12: error: services.web.image: expected a string, found a list"
            ])
        #expect(try errors("services: [a]") == ["compose.yaml:1:11: error: services: expected a mapping, found a list"])
        #expect(try errors("- a") == ["compose.yaml:1:1: error: expected a mapping, found a list"])
        #expect(
            try errors("services:\n  web: 5\n") == [
                "compose.yaml:2:8: error: services.web: expected a mapping, found a scalar"
            ])
        #expect(
            try errors("services:\n  web:\n    command: x\n") == [
                "compose.yaml:2:3: error: services.web: service 'web' has no image"
            ])
    }

    @Test func networkDriverAndIPAMAreValidated() throws {
        let errs = try errors(
            """
            services:
              web:
                image: x
                networks: [a, b]
            networks:
              a:
                driver: macvlan
              b:
                ipam:
                  config:
                    - subnet: 10.0.0.0/33
                    - subnet: 10.0.0.1/24
                    - subnet: fd00::/64
            """)
        #expect(
            errs == [
                "compose.yaml:7:13: error: networks.a.driver: berth supports only 'bridge' networks, not 'macvlan'",
                "compose.yaml:11:19: error: networks.b.ipam.config[0].subnet: prefix length /33 is out of range for IPv4",
                "compose.yaml:12:19: error: networks.b.ipam.config[1].subnet: '10.0.0.1/24' has host bits set",
                "compose.yaml:13:19: error: networks.b.ipam.config[2].subnet: IPv6 subnet fd00::/64 on a network without IPv6",
            ])
    }

    @Test func externalResourcesCannotBeConfigured() throws {
        let errs = try errors(
            "services:\n  web:\n    image: x\n    networks: [n]\nnetworks:\n  n:\n    external: true\n    internal: true\n"
        )
        #expect(
            errs == ["compose.yaml:8:5: error: networks.n.internal: external network 'n' cannot also set 'internal'"])
    }

    @Test func volumeDriverMustBeLocal() throws {
        let errs = try errors(service("volumes: [\"v:/v\"]") + "volumes:\n  v:\n    driver: nfs\n")
        #expect(
            errs == [
                "compose.yaml:7:13: error: volumes.v.driver: berth supports only the 'local' volume driver, not 'nfs'"
            ])
    }

    @Test func secretsAndConfigsNeedExactlyOneSource() throws {
        let errs = try errors(
            service("configs: [c]\nsecrets: [s]")
                + "configs:\n  c:\n    file: ./a\n    content: b\nsecrets:\n  s:\n    external: true\n")
        #expect(
            errs == [
                "compose.yaml:9:5: error: configs.c: config 'c' sets more than one of 'file', 'content'",
                "compose.yaml:12:15: error: secrets.s.external: berth does not support external secrets",
            ])
    }

    @Test func serviceConfigReferencesGetDefaultTargets() throws {
        let t = try topology(
            service("configs: [c, {source: c, target: /etc/c.conf, uid: \"1\", mode: 0400}]\nsecrets: [s]")
                + "configs:\n  c:\n    content: x\nsecrets:\n  s:\n    file: /dev/null\n")
        let s = try #require(t.service(named: "web"))
        #expect(s.configs.map(\.target) == ["/c", "/etc/c.conf"])
        #expect(s.configs[1].mode == 0o400)
        #expect(s.secrets.map(\.target) == ["/run/secrets/s"])
        #expect(t.canonicalYAML().contains("mode: \"0400\""))
    }

    @Test func obsoleteVersionIsAWarning() throws {
        let result = try build("version: '3.8'\nservices:\n  web:\n    image: x\n")
        #expect(result.topology != nil)
        #expect(
            result.diagnostics.map(\.description) == [
                "compose.yaml:1:1: warning: version: the top-level 'version' is obsolete and ignored"
            ])
    }
}
