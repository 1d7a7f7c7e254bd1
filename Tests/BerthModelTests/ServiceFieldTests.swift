import Testing

@testable import BerthModel

struct ServiceFieldTests {
    func web(_ body: String, environment: [String: String] = [:]) throws -> Service {
        try #require(try topology(service(body), environment: environment).service(named: "web"))
    }

    @Test func restartPolicies() throws {
        #expect(try web("restart: \"no\"").restart == RestartPolicy.no)
        #expect(try web("restart: always").restart == .always)
        #expect(try web("restart: on-failure:3").restart == .onFailure(maximumRetries: 3))
        #expect(try web("restart: unless-stopped").restart == .unlessStopped)
        let d = try singleError(service("restart: allways"))
        #expect(d.description == "compose.yaml:4:14: error: services.web.restart: unknown restart policy 'allways'")
        #expect(d.hint == "did you mean 'always'?")
    }

    @Test func healthcheckForms() throws {
        #expect(try web("healthcheck:\n  test: curl -f localhost").healthcheck?.test == .shell("curl -f localhost"))
        #expect(try web("healthcheck:\n  test: [CMD, curl, -f, x]").healthcheck?.test == .exec(["curl", "-f", "x"]))
        #expect(try web("healthcheck:\n  test: [CMD-SHELL, exit 0]").healthcheck?.test == .shell("exit 0"))
        #expect(try web("healthcheck:\n  test: [NONE]").healthcheck?.disabled == true)
        let h = try #require(
            try web(
                "healthcheck:\n  disable: true\n  interval: 10s\n  timeout: 2s\n  start_period: 1m\n  start_interval: 1s\n  retries: 3"
            ).healthcheck)
        #expect(h.disabled && h.interval == .seconds(10) && h.startPeriod == .seconds(60) && h.retries == 3)
        let d = try singleError(service("healthcheck:\n  test: [RUN, x]"))
        #expect(
            d.description
                == "compose.yaml:5:13: error: services.web.healthcheck.test: the healthcheck test list starts with 'RUN'"
        )
    }

    @Test func dependsOnListAndMap() throws {
        let yaml = """
            services:
              a:
                image: x
                depends_on: [b]
              b:
                image: x
                depends_on:
                  c: {condition: service_completed_successfully, restart: true, required: false}
              c:
                image: x
            """
        let t = try topology(yaml)
        #expect(t.service(named: "a")?.dependsOn["b"] == Dependency())
        #expect(
            t.service(named: "b")?.dependsOn["c"]
                == Dependency(condition: .completedSuccessfully, restart: true, required: false))
    }

    @Test func dependsOnUnknownCondition() throws {
        let d = try singleError(
            "services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: service_health}\n  b:\n    image: x\n"
        )
        #expect(
            d.description
                == "compose.yaml:5:22: error: services.a.depends_on.b.condition: unknown condition 'service_health'")
        #expect(d.hint == "did you mean 'service_healthy'?")
    }

    @Test func deployResourcesAndPolicies() throws {
        let s = try web(
            """
            deploy:
              replicas: 2
              resources:
                limits: {cpus: "0.5", memory: 512m, pids: 100}
                reservations: {cpus: 0.25, memory: 128m}
              restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}
              update_config: {parallelism: 1, delay: 10s, failure_action: rollback, monitor: 30s, max_failure_ratio: 0.1, order: start-first}
            """)
        #expect(s.scale == 2 && s.replicas == 2)
        let d = try #require(s.deploy)
        #expect(d.limits?.cpus == CPUCount(nanoCPUs: 500_000_000) && d.limits?.memory?.bytes == 536_870_912)
        #expect(d.limits?.pids == 100 && d.reservations?.memory?.bytes == 134_217_728)
        #expect(d.restartPolicy?.condition == .onFailure && d.restartPolicy?.maxAttempts == 3)
        #expect(d.updateConfig?.order == .startFirst && d.updateConfig?.failureAction == .rollback)
    }

    @Test func replicasAndScaleMustAgree() throws {
        let d = try singleError(service("scale: 2\ndeploy:\n  replicas: 3"))
        #expect(
            d.description
                == "compose.yaml:4:12: error: services.web.scale: can't set distinct values on 'scale' (2) and 'deploy.replicas' (3)"
        )
        #expect(d.notes.first?.location?.description == "compose.yaml:6:17")
        #expect(try web("scale: 3\ndeploy:\n  replicas: 3").replicas == 3)
    }

    @Test func limitAliasesMustAgreeWithDeployLimits() throws {
        let d = try singleError(service("mem_limit: 1g\ndeploy:\n  resources:\n    limits: {memory: 512m}"))
        #expect(
            d.description
                == "compose.yaml:4:5: error: services.web.mem_limit: can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory'"
        )
        let absent = try singleError(service("pids_limit: 10\ndeploy:\n  resources:\n    limits: {cpus: 1}"))
        #expect(absent.summary == "can't set distinct values on 'pids_limit' and 'deploy.resources.limits.pids'")
        _ = try topology(service("cpus: 0.5\ndeploy:\n  resources:\n    limits: {cpus: \"0.5\"}"))
    }

    @Test func containerNameWithReplicasIsRejected() throws {
        let d = try singleError(service("container_name: web1\nscale: 2"))
        #expect(
            d.description
                == "compose.yaml:4:21: error: services.web.container_name: service 'web' sets container_name 'web1' but runs 2 replicas"
        )
    }

    @Test func ulimitsSingleAndSoftHard() throws {
        let s = try web("ulimits:\n  nofile: {soft: 1024, hard: 4096}\n  nproc: 512")
        #expect(s.ulimits["nofile"] == Ulimit(soft: 1024, hard: 4096, single: false))
        #expect(s.ulimits["nproc"] == Ulimit(soft: 512, hard: 512, single: true))
        let d = try singleError(service("ulimits:\n  nofile: {soft: 10, hard: 5}"))
        #expect(d.summary == "ulimit 'nofile' has soft limit 10 above hard limit 5")
        let typo = try singleError(service("ulimits:\n  nofiles: 5"))
        #expect(typo.hint == "did you mean 'nofile'?")
    }

    @Test func extraHostsAllForms() throws {
        let s = try web("extra_hosts: [\"a:10.0.0.1\", \"b=10.0.0.2\", \"c:::1\", \"gw=host-gateway\"]")
        #expect(s.extraHosts.map(\.address) == ["10.0.0.1", "10.0.0.2", "::1", "host-gateway"])
        let m = try web("extra_hosts:\n  db: 10.0.0.3\n  multi: [10.0.0.4, 10.0.0.5]")
        #expect(m.extraHosts.count == 3)
        let d = try singleError(service("extra_hosts: [\"a:nowhere\"]"))
        #expect(d.summary == "'nowhere' for host 'a' is not an IP address")
    }

    @Test func capabilitiesWithAndWithoutPrefix() throws {
        let s = try web("cap_add: [NET_ADMIN, CAP_SYS_PTRACE, sys_time]\ncap_drop: [ALL]")
        #expect(s.capAdd.map(\.name) == ["NET_ADMIN", "SYS_PTRACE", "SYS_TIME"])
        #expect(s.capDrop.map(\.name) == ["ALL"])
        let d = try singleError(service("cap_add: [NET_ADMN]"))
        #expect(d.description == "compose.yaml:4:15: error: services.web.cap_add[0]: unknown capability 'NET_ADMN'")
        #expect(d.hint == "did you mean 'NET_ADMIN'?")
    }

    @Test func securityOptions() throws {
        let s = try web(
            "security_opt: [no-new-privileges, \"no-new-privileges:false\", seccomp=unconfined, seccomp=./prof.json]")
        #expect(
            s.securityOptions == [
                .noNewPrivileges(true), .noNewPrivileges(false), .seccompUnconfined, .seccompProfile("/proj/prof.json"),
            ])
        let d = try singleError(service("security_opt: [\"apparmor=docker-default\"]"))
        #expect(d.summary == "security option 'apparmor' is not supported: berth does not apply AppArmor profiles")
        let l = try singleError(service("security_opt: [\"label=disable\"]"))
        #expect(l.summary.contains("not supported"))
    }

    @Test func namespaceModes() throws {
        let yaml = """
            services:
              a:
                image: x
                pid: host
                ipc: shareable
              b:
                image: x
                network_mode: "service:a"
                pid: "service:a"
                ipc: "container:other"
            """
        let t = try topology(yaml)
        #expect(
            t.service(named: "b")?.networkMode == .service("a") && t.service(named: "b")?.ipc == .container("other"))
        #expect(t.service(named: "b")?.networks.isEmpty == true)
        let d = try singleError(service("network_mode: bridge"))
        #expect(d.summary == "network_mode 'bridge' names docker's built-in bridge, which berth does not have")
        let p = try singleError(service("pid: shareable"))
        #expect(p.summary == "'shareable' is not a valid pid")
    }

    @Test func pullPolicyPlatformIsolation() throws {
        #expect(try web("pull_policy: if_not_present").pullPolicy == .missing)
        #expect(try web("platform: linux/amd64").platform == "linux/amd64")
        #expect(try web("isolation: default").image == "nginx")
        #expect(try singleError(service("pull_policy: build")).summary.contains("berth does not support"))
        #expect(
            try singleError(service("platform: linux/arm64")).summary
                == "berth runs only linux/amd64 images, not 'linux/arm64'")
        #expect(try singleError(service("isolation: hyperv")).summary == "isolation 'hyperv' exists only on Windows")
    }

    @Test func commandStringIsShellSplit() throws {
        #expect(
            try web("command: sh -c 'echo \"hi there\"' x\\ y").command == ["sh", "-c", "echo \"hi there\"", "x y"])
        #expect(try web("entrypoint: [\"/bin/sh\", \"-c\"]").entrypoint == ["/bin/sh", "-c"])
        #expect(try web("entrypoint: []").entrypoint == [])
        #expect(try singleError(service("command: echo 'oops")).summary == "the command has an unclosed ' quote")
    }

    @Test func environmentMapAndListDropUnsetVariables() throws {
        let m = try web("environment:\n  A: 1\n  B: true\n  C:\n  D: \"\"")
        #expect(m.environment == ["A": "1", "B": "true", "D": ""])
        let l = try web("environment: [A=1, B, C=x=y]")
        #expect(l.environment == ["A": "1", "C": "x=y"])
    }

    @Test func labelsAndSysctlsListOrMap() throws {
        #expect(try web("labels: [a=1, b]").labels == ["a": "1", "b": ""])
        #expect(try web("labels: {a: 1}").labels == ["a": "1"])
        #expect(try web("sysctls: [net.core.somaxconn=1024]").sysctls == ["net.core.somaxconn": "1024"])
    }

    @Test func workingDirMustBeAbsolute() throws {
        let d = try singleError(service("working_dir: app"))
        #expect(
            d.description
                == "compose.yaml:4:18: error: services.web.working_dir: working_dir 'app' is not an absolute path")
    }

    @Test func serviceNetworksListMapAndNull() throws {
        let yaml = """
            services:
              web:
                image: x
                networks:
                  front:
                    aliases: [www]
                    ipv4_address: 172.28.0.10
                    priority: 10
                  back:
            networks:
              front:
                ipam:
                  config: [{subnet: 172.28.0.0/16}]
              back:
            """
        let s = try #require(try topology(yaml).service(named: "web"))
        #expect(s.networks["front"]?.aliases == ["www"] && s.networks["front"]?.priority == 10)
        #expect(s.networks["front"]?.ipv4Address == IPAddress("172.28.0.10"))
        #expect(s.networks["back"] == NetworkAttachment())
    }

    @Test func miscellaneousScalars() throws {
        let s = try web(
            """
            user: "1000:1000"
            hostname: web-1
            domainname: example.org
            init: true
            privileged: true
            read_only: true
            tty: true
            stdin_open: true
            dns: [1.1.1.1, "::1"]
            dns_search: example.org
            pids_limit: 200
            expose: [80, "53/udp", "8000-8001"]
            group_add: [audio, 44]
            """)
        #expect(s.user == "1000:1000" && s.hostname == "web-1" && s.initProcess && s.privileged && s.readOnly)
        #expect(s.dns.count == 2 && s.dnsSearch == ["example.org"] && s.pidsLimit == 200)
        #expect(s.expose == ["80", "53/udp", "8000-8001"] && s.groupAdd == ["audio", "44"])
    }
}
