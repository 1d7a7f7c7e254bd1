import Testing

@testable import BerthModel

struct DurationTests {
    @Test(arguments: [
        ("1h2m3s4ms5us6ns", "1h2m3.004005006s"), ("90s", "1m30s"), ("1m30s", "1m30s"), ("1h", "1h0m0s"),
        ("500ms", "500ms"), ("1.5s", "1.5s"), ("0", "0s"), ("2d", "48h0m0s"), ("1w", "168h0m0s"), ("10us", "10µs"),
        ("1.5µs", "1.5µs"), ("250ns", "250ns"), ("1.5h", "1h30m0s"), ("0s", "0s"), ("-5s", "-5s"),
    ])
    func validDurationsPrintLikeCompose(input: String, printed: String) throws {
        #expect(try Duration(parsing: input).description == printed)
    }

    @Test(arguments: [
        ("10", "'10' has no unit"), ("", "'' is not a duration"), ("5x", "'5x' has an unknown unit 'x'"),
        ("s", "'s' is not a duration"), (".s", "'.s' is not a duration"),
    ])
    func invalidDurationsAreRejected(input: String, message: String) {
        #expect(throws: ValueError.self) { try Duration(parsing: input) }
        do {
            _ = try Duration(parsing: input)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func plainNumberIntervalIsRejectedWithPositionAndHint() throws {
        let d = try singleError(service("healthcheck:\n  test: [CMD, true]\n  interval: 30"))
        #expect(d.description == "compose.yaml:6:17: error: services.web.healthcheck.interval: '30' has no unit")
        #expect(d.hint?.contains("'1m30s'") == true)
    }
}

struct ByteCountTests {
    @Test(
        arguments: [
            ("512m", 536_870_912), ("1gb", 1_073_741_824), ("1024", 1024), ("2k", 2048), ("2K", 2048),
            ("1.5g", 1_610_612_736),
            ("64MiB", 67_108_864), ("100b", 100), ("1 mb", 1_048_576),
        ] as [(String, Int64)])
    func sizesUseBinaryUnits(input: String, bytes: Int64) throws {
        #expect(try ByteCount(parsing: input).bytes == bytes)
    }

    @Test(arguments: ["", "m", "12q", "-1m", "1.2.3m", "1mbx"])
    func malformedSizesAreRejected(input: String) {
        #expect(throws: ValueError.self) { try ByteCount(parsing: input) }
    }

    @Test func sizeIsPrintedAsQuotedBytes() throws {
        let t = try topology(service("shm_size: 64m\nmem_limit: 1g"))
        let yaml = t.canonicalYAML()
        #expect(yaml.contains("    shm_size: \"67108864\"\n"))
        #expect(yaml.contains("    mem_limit: \"1073741824\"\n"))
    }

    @Test func badSizeNamesItsPosition() throws {
        let d = try singleError(service("shm_size: lots"))
        #expect(d.description == "compose.yaml:4:15: error: services.web.shm_size: 'lots' is not a size")
    }
}

struct CPUAndSignalTests {
    @Test(arguments: [("0.5", "0.5"), ("1.5", "1.5"), ("2", "2"), ("0.125", "0.125")])
    func cpuCountsKeepTheirDecimalValue(input: String, printed: String) throws {
        #expect(try CPUCount(parsing: input).description == printed)
    }

    @Test func quotedAndPlainCPUsAreEqual() throws {
        let a = try topology(service("cpus: 1.5"))
        let b = try topology(service("cpus: \"1.5\""))
        #expect(a == b)
    }

    @Test(arguments: ["-1", "many", "nan"])
    func invalidCPUCountsAreRejected(input: String) {
        #expect(throws: ValueError.self) { try CPUCount(parsing: input) }
    }

    @Test(
        arguments: [("SIGTERM", 15), ("TERM", 15), ("sigkill", 9), ("9", 9), ("SIGRTMIN+2", 36)] as [(String, Int32)])
    func signalsByNameOrNumber(input: String, number: Int32) throws {
        #expect(try Signal(parsing: input).number == number)
    }

    @Test func signalTypoSuggestsTheName() throws {
        let d = try singleError(service("stop_signal: SIGTREM"))
        #expect(d.description == "compose.yaml:4:18: error: services.web.stop_signal: unknown signal 'SIGTREM'")
        #expect(d.hint == "did you mean 'SIGTERM'?")
    }

    @Test func signalPrintsWithPrefix() throws {
        let t = try topology(service("stop_signal: QUIT\nstop_grace_period: 1m30s"))
        #expect(t.canonicalYAML().contains("stop_signal: SIGQUIT\n"))
        #expect(t.canonicalYAML().contains("stop_grace_period: 1m30s\n"))
    }
}

struct PortTests {
    func ports(_ spec: String) throws -> [PortMapping] { try PortMapping.parseShort(spec) }

    @Test func containerPortOnly() throws {
        #expect(try ports("80") == [PortMapping(target: 80)])
    }

    @Test func hostAndContainerPort() throws {
        #expect(try ports("8080:80") == [PortMapping(target: 80, published: PortRange(8080))])
    }

    @Test func hostIPAndPorts() throws {
        let ip = try #require(IPAddress("127.0.0.1"))
        #expect(try ports("127.0.0.1:8080:80") == [PortMapping(target: 80, published: PortRange(8080), hostIP: ip)])
        #expect(try ports("127.0.0.1::80") == [PortMapping(target: 80, hostIP: ip)])
    }

    @Test func rangesExpandToOneMappingPerPort() throws {
        let p = try ports("8000-8005:80-85")
        #expect(p.count == 6)
        #expect(p[0] == PortMapping(target: 80, published: PortRange(8000)))
        #expect(p[5] == PortMapping(target: 85, published: PortRange(8005)))
    }

    @Test func hostRangeToSinglePortStaysOneMapping() throws {
        #expect(try ports("9090-9091:8080") == [PortMapping(target: 8080, published: PortRange(9090, 9091))])
    }

    @Test func bracketedIPv6HostAddress() throws {
        let ip = try #require(IPAddress("::1"))
        #expect(try ports("[::1]:80:80") == [PortMapping(target: 80, published: PortRange(80), hostIP: ip)])
    }

    @Test(arguments: [("53:53/udp", PortProtocol.udp), ("80/tcp", .tcp), ("9000/sctp", .sctp)])
    func protocolSuffix(spec: String, proto: PortProtocol) throws {
        #expect(try ports(spec).first?.protocol == proto)
    }

    @Test(arguments: [
        ("80/icmp", "unknown protocol 'icmp' in port '80/icmp'"), ("70000", "'70000' is not a valid container port"),
        ("8000-8002:80-81", "port ranges in '8000-8002:80-81' differ in length (3 host ports, 2 container ports)"),
        ("1.2.3:80:80", "'1.2.3' in port '1.2.3:80:80' is not an IP address"),
        ("90-80", "port range '90-80' runs backwards"),
        ("::1:80:80", "'::1:80:80' is not a port mapping"),
    ])
    func invalidShortPorts(spec: String, message: String) {
        do {
            _ = try PortMapping.parseShort(spec)
            Issue.record("'\(spec)' should be rejected")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func longFormWithRangeAndStringPublished() throws {
        let t = try topology(
            service(
                """
                ports:
                  - target: 80
                    published: "8080-8081"
                    host_ip: 0.0.0.0
                    protocol: udp
                    mode: host
                    name: web
                    app_protocol: http
                  - target: 443
                    published: 8443
                """))
        let p = try #require(t.service(named: "web")?.ports)
        #expect(p[0].published == PortRange(8080, 8081))
        #expect(p[0].mode == .host && p[0].protocol == .udp && p[0].name == "web" && p[0].appProtocol == "http")
        #expect(p[1].published == PortRange(8443))
        try expectRoundTrip(t)
    }

    @Test func longFormWithoutTargetIsLocated() throws {
        let d = try singleError(service("ports:\n  - published: 80"))
        #expect(d.description == "compose.yaml:5:9: error: services.web.ports[0]: the port needs a 'target'")
    }
}
