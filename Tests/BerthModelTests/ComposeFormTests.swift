import BerthDiagnostics
import Testing

@testable import BerthModel

/// Spec forms compose accepts that berth used to refuse, and the diagnostics it gives for
/// the ones it still cannot honour.
struct ComposeFormTests {
    @Test func olderExternalNameFormIsAnExternalResourceWithADeprecationWarning() throws {
        let yaml = """
            services:
              web:
                image: nginx
                networks: [front]
                volumes: [data:/data]
            networks:
              front:
                external: {name: shared-front}
            volumes:
              data:
                external:
                  name: shared-data
            """
        let result = try build(yaml)
        let t = try #require(result.topology, "\(result.diagnostics.map(\.description))")
        let front = try #require(t.networks.first { $0.key == "front" })
        let data = try #require(t.volumes.first { $0.key == "data" })
        #expect(front.external && front.name == "shared-front")
        #expect(data.external && data.name == "shared-data")
        #expect(
            result.diagnostics.map(\.description) == [
                "compose.yaml:8:15: warning: networks.front.external: external.name is deprecated; set 'name' and 'external: true'",
                "compose.yaml:12:7: warning: volumes.data.external: external.name is deprecated; set 'name' and 'external: true'",
            ])
    }

    @Test func emptyRestartPolicyMeansNo() throws {
        let t = try topology(service("restart: \"\""))
        #expect(t.service(named: "web")?.restart == RestartPolicy.no)
    }

    @Test func yaml11BooleansAreReadOnBooleanKeysWithAWarning() throws {
        let result = try build(service("init: yes\nprivileged: Off\ntty: ON\nread_only: n"))
        let web = try #require(result.topology?.service(named: "web"))
        #expect(web.initProcess && !web.privileged && web.tty && !web.readOnly)
        #expect(
            result.diagnostics.first?.description
                == "compose.yaml:4:11: warning: services.web.init: 'yes' is a YAML 1.1 boolean; read as true")
        #expect(result.diagnostics.count == 4)
    }

    @Test func inactiveProfileServiceNeedsNoImage() throws {
        let yaml = "services:\n  web:\n    image: nginx\n  tool:\n    profiles: [debug]\n"
        let t = try topology(yaml)
        #expect(t.services.map(\.name.rawValue) == ["web"])
        let active = try errors(yaml, profiles: ["debug"])
        #expect(active == ["compose.yaml:4:3: error: services.tool: service 'tool' has no image"])
    }

    @Test func fixedAddressOnAnExternalNetworkIsCheckedAtUpNotAtConfig() throws {
        let yaml = """
            services:
              web:
                image: nginx
                networks:
                  shared: {ipv4_address: 10.77.0.5}
            networks:
              shared: {external: true}
            """
        let t = try topology(yaml)
        #expect(t.service(named: "web")?.networks["shared"]?.ipv4Address?.description == "10.77.0.5")
    }

    @Test func timedPullPoliciesAreRefusedSayingWhy() throws {
        for policy in ["daily", "weekly", "every_12h"] {
            let d = try singleError(service("pull_policy: \(policy)"))
            #expect(
                d.description
                    == "compose.yaml:4:18: error: services.web.pull_policy: pull_policy '\(policy)' is a compose policy berth does not support yet: it needs the time each image was pulled, which berth's image store does not record"
            )
        }
    }

    @Test func unlimitedOpenFilesIsALocatedErrorNotATrapAtUp() throws {
        let d = try singleError(service("ulimits: {nofile: -1}"))
        #expect(
            d.description
                == "compose.yaml:4:23: error: services.web.ulimits.nofile: ulimit 'nofile' cannot be unlimited (-1): the kernel caps open files at fs.nr_open"
        )
        let below = try singleError(service("ulimits: {nproc: -2}"))
        #expect(below.summary == "-2 is below the minimum of -1")
        let huge = try singleError(service("ulimits: {nproc: 99999999999999999999}"))
        #expect(huge.summary == "'99999999999999999999' is not an integer")
        let t = try topology(service("ulimits: {core: -1}"))
        #expect(t.service(named: "web")?.ulimits["core"].map { Ulimit.rlimit($0.soft) } == UInt64.max)
    }
}
