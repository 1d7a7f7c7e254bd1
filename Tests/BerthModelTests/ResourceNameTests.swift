import BerthDiagnostics
import Testing

@testable import BerthModel

/// Names that become paths under berth's root (issue 17): every one is checked where the
/// stack is read, with the line to fix, so `../` can never reach the driver.
@Suite("Resource names")
struct ResourceNameTests {
    @Test func dockerCharacterRuleAndLengthLimit() throws {
        for valid in ["a", "db_data", "web-1.cache", "0", String(repeating: "v", count: ResourceName.maximumLength)] {
            #expect(ResourceName.isValid(valid), "\(valid)")
        }
        for invalid in [
            "", ".", "..", "../x", "a/b", "/abs", ".hidden", "-dash", "_under", "a\u{0}b", "é", "a b",
            String(repeating: "v", count: ResourceName.maximumLength + 1),
        ] {
            #expect(!ResourceName.isValid(invalid), "\(invalid)")
        }
        #expect(throws: ValueError("'../x' is not a valid volume name", hint: ResourceNameTests.hint)) {
            try ResourceName.check("../x", kind: "volume")
        }
    }

    static let hint = "use letters, digits, '_', '.' and '-', starting with a letter or digit"

    @Test func volumeNameWithParentDirectoryIsALocatedError() throws {
        let d = try singleError(
            "services:\n  web:\n    image: nginx\n    volumes: [evil:/data]\nvolumes:\n  evil:\n    name: \"../../victim\"\n"
        )
        #expect(
            d.description == "compose.yaml:7:11: error: volumes.evil.name: '../../victim' is not a valid volume name")
        #expect(d.hint == Self.hint)
    }

    @Test func networkSecretAndConfigNamesWithParentDirectoryAreLocatedErrors() throws {
        let yaml = """
            services:
              web:
                image: nginx
            networks:
              n:
                name: ../net
            secrets:
              s:
                environment: HOME
                name: ../secret
            configs:
              c:
                content: x
                name: a/../../config
            """
        #expect(
            try errors(yaml, environment: ["HOME": "/root"]) == [
                "compose.yaml:6:11: error: networks.n.name: '../net' is not a valid network name",
                "compose.yaml:10:11: error: secrets.s.name: '../secret' is not a valid secret name",
                "compose.yaml:14:11: error: configs.c.name: 'a/../../config' is not a valid config name",
            ])
    }

    @Test func externalVolumeNamedDotDotIsRefused() throws {
        let d = try singleError("services:\n  web:\n    image: nginx\nvolumes:\n  ..:\n    external: true\n")
        #expect(d.description == "compose.yaml:5:3: error: volumes.\"..\": '..' is not a valid volume name")
    }

    @Test func containerNameAndServiceNameWithSlashesAreRefused() throws {
        let container = try singleError(service("container_name: ../../x"))
        #expect(
            container.description
                == "compose.yaml:4:21: error: services.web.container_name: '../../x' is not a valid container name")
        let key = try singleError("services:\n  ../x:\n    image: nginx\n")
        #expect(key.description == "compose.yaml:2:3: error: services.\"../x\": '../x' is not a valid service name")
    }

    @Test func imageReferenceWithParentDirectoryIsRefused() throws {
        let d = try singleError("services:\n  web:\n    image: ../../etc/passwd\n")
        #expect(
            d.description
                == "compose.yaml:3:12: error: services.web.image: '../../etc/passwd' is not an image reference")
    }

    @Test func projectNameWithSlashesIsRefused() throws {
        let result = try build("services:\n  web:\n    image: nginx\n", project: "../x")
        #expect(result.topology == nil)
        #expect(result.diagnostics.map(\.summary) == ["'../x' is not a valid project name"])
    }

    @Test func twoHundredCharacterServiceNameIsALocatedError() throws {
        let name = String(repeating: "s", count: 200)
        let d = try singleError("services:\n  \(name):\n    image: nginx\n")
        #expect(
            d.description
                == "compose.yaml:2:3: error: services.\(name): service name '\(name.prefix(40))…' has 200 bytes; "
                + "berth allows at most 63 (it is a DNS name, and a DNS label has at most 63 bytes)")
        #expect(d.hint == "use a shorter service name")
    }

    @Test func containerNameLongerThanAHostnameIsALocatedError() throws {
        let service = String(repeating: "s", count: 60)
        let d = try singleError("services:\n  \(service):\n    image: nginx\n")
        let longest = "demo-\(service)-1-next"
        #expect(
            d.description
                == "compose.yaml:2:3: error: services.\(service): container name '\(longest.prefix(60))…' of service "
                + "'\(service.prefix(40))…' has \(longest.utf8.count) bytes; it is also the container's hostname, "
                + "which has at most 64 bytes")
        // With its own hostname, the container name may be longer.
        _ = try topology("services:\n  \(service):\n    image: nginx\n    hostname: web\n")
    }

    @Test func derivedVolumeNameLongerThanAFileNameIsRefused() throws {
        let key = String(repeating: "k", count: 250)
        let d = try singleError("services:\n  web:\n    image: nginx\nvolumes:\n  \(key): {}\n")
        #expect(d.code == "invalid-name")
        #expect(d.summary.hasSuffix("(the project name joined to the key '\(key)')"))
        #expect(d.location?.line == 5)
    }
}
