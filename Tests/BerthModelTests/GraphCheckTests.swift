import BerthDiagnostics
import Testing

@testable import BerthModel

struct GraphCheckTests {
    @Test func dependencyCycleIsPrintedFromTheSmallestName() throws {
        let yaml = """
            services:
              c:
                image: x
                depends_on: [a]
              b:
                image: x
                depends_on: [c]
              a:
                image: x
                depends_on: [b]
            """
        let d = try singleError(yaml)
        #expect(d.summary == "dependency cycle: a → b → c → a")
        #expect(d.description == "compose.yaml:10:18: error: services.a.depends_on[0]: dependency cycle: a → b → c → a")
    }

    @Test func selfDependencyIsACycle() throws {
        let d = try singleError("services:\n  a:\n    image: x\n    depends_on: [a]\n")
        #expect(d.summary == "dependency cycle: a → a")
    }

    @Test func duplicateHostPortNamesBothLocations() throws {
        let yaml = """
            services:
              api:
                image: x
                ports: ["8080:80"]
              web:
                image: x
                ports: ["127.0.0.1:8080:8080"]
            """
        let d = try singleError(yaml)
        #expect(
            d.description
                == "compose.yaml:7:13: error: services.web.ports[0]: host port 8080/tcp of service 'web' is already published by service 'api'"
        )
        #expect(d.notes.first?.location?.description == "compose.yaml:4:13")
    }

    @Test func overlappingRangesClashButOtherProtocolsAndIPsDoNot() throws {
        let clash = try singleError(
            "services:\n  a:\n    image: x\n    ports: [\"8000-8005:80-85\"]\n  b:\n    image: x\n    ports: [\"8003-8004:90\"]\n"
        )
        #expect(clash.summary == "host port 8003/tcp of service 'b' is already published by service 'a'")
        _ = try topology(
            "services:\n  a:\n    image: x\n    ports: [\"53:53/udp\", \"127.0.0.1:80:80\"]\n  b:\n    image: x\n    ports: [\"53:53\", \"127.0.0.2:80:80\"]\n"
        )
    }

    @Test func undefinedNetworkSuggestsTheClosestName() throws {
        let yaml = """
            services:
              web:
                image: x
                networks: [frontend]
            networks:
              front-end:
            """
        let d = try singleError(yaml)
        #expect(
            d.description == "compose.yaml:4:16: error: services.web.networks[0]: network 'frontend' is not defined")
        #expect(d.hint == "did you mean 'front-end'?")
        #expect(d.notes.first?.message == "networks are defined under 'networks' here")
        #expect(d.notes.first?.location?.description == "compose.yaml:5:1")
    }

    @Test func undefinedReferencesAreAllReported() throws {
        let yaml = """
            services:
              web:
                image: x
                depends_on: [dbb]
                volumes: ["data:/data"]
                configs: [conf]
                secrets: [pw]
                network_mode: "service:nope"
              db:
                image: x
            """
        let errs = try errors(yaml)
        #expect(
            errs == [
                "compose.yaml:4:18: error: services.web.depends_on[0]: service 'web' depends on undefined service 'dbb'",
                "compose.yaml:5:15: error: services.web.volumes[0]: volume 'data' is not defined",
                "compose.yaml:6:15: error: services.web.configs[0]: config 'conf' is not defined",
                "compose.yaml:7:15: error: services.web.secrets[0]: secret 'pw' is not defined",
                "compose.yaml:8:19: error: services.web.network_mode: service 'web' refers to undefined service 'nope'",
            ])
    }

    @Test func overlappingSubnetsAreReported() throws {
        let yaml = """
            services:
              web:
                image: x
                networks: [a, b]
            networks:
              a:
                ipam:
                  config: [{subnet: 10.1.0.0/16}]
              b:
                ipam:
                  config: [{subnet: 10.1.2.0/24}]
            """
        let d = try singleError(yaml)
        #expect(d.summary == "subnet 10.1.2.0/24 of network 'b' overlaps subnet 10.1.0.0/16 of network 'a'")
        #expect(d.location?.description == "compose.yaml:11:25")
    }

    @Test func fixedAddressMustBeInsideTheSubnet() throws {
        let yaml = """
            services:
              web:
                image: x
                networks:
                  a: {ipv4_address: 10.2.0.5}
            networks:
              a:
                ipam:
                  config: [{subnet: 10.1.0.0/16, gateway: 10.1.0.1}]
            """
        let d = try singleError(yaml)
        #expect(
            d.description
                == "compose.yaml:5:25: error: services.web.networks.a.ipv4_address: ipv4_address 10.2.0.5 is outside the subnets of network 'a' (10.1.0.0/16)"
        )
    }

    @Test func replicasCannotShareOneHostPort() throws {
        let d = try singleError(service("scale: 3\nports: [\"8080:80\"]"))
        #expect(d.summary == "service 'web' runs 3 replicas but publishes the single host port 8080")
        _ = try topology(service("scale: 3\nports: [\"8080-8082:80\", \"9000\"]"))
    }

    @Test func healthyConditionOnDisabledHealthcheck() throws {
        let d = try singleError(
            "services:\n  a:\n    image: x\n    depends_on: {b: {condition: service_healthy}}\n  b:\n    image: x\n    healthcheck: {disable: true}\n"
        )
        #expect(
            d.description
                == "compose.yaml:4:18: error: services.a.depends_on.b: service 'a' waits for 'b' to be healthy, but 'b' disables its healthcheck"
        )
    }

    @Test func twoMountsOnOnePath() throws {
        let d = try singleError(service("volumes: [\"./a:/data\"]\ntmpfs: [/data]"))
        #expect(d.summary == "service 'web' mounts more than one thing at '/data'")
    }

    @Test func duplicateContainerNames() throws {
        let d = try singleError(
            "services:\n  a:\n    image: x\n    container_name: same\n  b:\n    image: x\n    container_name: same\n")
        #expect(d.summary == "services 'a' and 'b' both use container_name 'same'")
    }
}

struct ProfileAndDefaultNetworkTests {
    let yaml = """
        services:
          web:
            image: x
            depends_on: [debug]
          debug:
            image: x
            profiles: [dev]
        """

    @Test func dependencyOnDisabledServiceFailsLikeCompose() throws {
        let d = try singleError(yaml)
        #expect(d.summary == "service 'debug' is required by 'web' but is disabled")
        #expect(d.hint == "enable it with --profile dev, or mark the dependency 'required: false'")
    }

    @Test func activeProfileEnablesTheService() throws {
        let t = try topology(yaml, profiles: ["dev"])
        #expect(t.services.map(\.name.rawValue) == ["debug", "web"])
        let all = try topology(yaml, profiles: ["*"])
        #expect(all.services.count == 2 && all.disabledServices.isEmpty)
    }

    @Test func optionalDependencyOnDisabledServiceIsDropped() throws {
        let t = try topology(
            "services:\n  web:\n    image: x\n    depends_on:\n      debug: {required: false}\n  debug:\n    image: x\n    profiles: [dev]\n"
        )
        #expect(t.service(named: "web")?.dependsOn.isEmpty == true)
        #expect(t.disabledServices.map(\.name.rawValue) == ["debug"])
    }

    @Test func servicesWithoutNetworksJoinTheImplicitDefault() throws {
        let t = try topology("services:\n  web:\n    image: x\n")
        #expect(t.service(named: "web")?.networks == ["default": NetworkAttachment()])
        #expect(t.networks.map(\.name) == ["demo_default"])
        #expect(t.canonicalYAML().contains("networks:\n  default:\n    name: demo_default\n"))
    }

    @Test func defaultNetworkExistsOnlyWhenUsed() throws {
        let t = try topology(
            "services:\n  web:\n    image: x\n    networks: [back]\n  host:\n    image: x\n    network_mode: host\nnetworks:\n  back:\n"
        )
        #expect(t.networks.map(\.key) == ["back"])
        #expect(t.networks.first?.name == "demo_back")
    }

    @Test func userDefinedDefaultNetworkCustomisesIt() throws {
        let t = try topology(
            "services:\n  web:\n    image: x\nnetworks:\n  default:\n    name: shared\n    internal: true\n")
        #expect(t.networks.count == 1 && t.networks[0].name == "shared" && t.networks[0].internal)
    }

    @Test func externalResourcesKeepTheirNames() throws {
        let t = try topology(
            "services:\n  web:\n    image: x\n    networks: [proxy]\n    volumes: [\"db:/db\"]\nnetworks:\n  proxy:\n    external: true\nvolumes:\n  db:\n    external: true\n    name: pgdata\n"
        )
        #expect(t.networks.map(\.name) == ["proxy"])
        #expect(t.volumes.map(\.name) == ["pgdata"])
    }
}
