import Testing

@testable import BerthImage

@Suite struct ImageReferenceTests {
    @Test func shortNamesExpandToDockerHubLibraryLatest() throws {
        let reference = try ImageReference(parsing: "busybox")
        #expect(reference.description == "docker.io/library/busybox:latest")
        #expect(reference.familiarRepository == "busybox")
        #expect(try ImageReference(parsing: "user/app:2").description == "docker.io/user/app:2")
        #expect(
            try ImageReference(parsing: "index.docker.io/library/alpine").description
                == "docker.io/library/alpine:latest")
    }

    @Test func registryWithPortKeepsItsHostAndTag() throws {
        let reference = try ImageReference(parsing: "localhost:5000/app:1.2")
        #expect(reference.domain == "localhost:5000")
        #expect(reference.path == "app")
        #expect(reference.tag == "1.2")
        #expect(reference.familiarRepository == "localhost:5000/app")
    }

    @Test func digestReferencesKeepDigestAndOptionalTag() throws {
        let digest = "sha256:" + String(repeating: "0f", count: 32)
        let byDigest = try ImageReference(parsing: "busybox@\(digest)")
        #expect(byDigest.tag == nil)
        #expect(byDigest.digest?.description == digest)
        #expect(byDigest.description == "docker.io/library/busybox@\(digest)")
        let both = try ImageReference(parsing: "ghcr.io/org/tool:v1@\(digest)")
        #expect(both.tag == "v1")
        #expect(both.description == "ghcr.io/org/tool:v1@\(digest)")
    }

    @Test func invalidNamesAreRejectedWithTheReason() {
        #expect { try ImageReference(parsing: "Busybox") } throws: {
            "\($0)".contains("repository component \"Busybox\"")
        }
        #expect { try ImageReference(parsing: "busybox:") } throws: { "\($0)".contains("tag \"\"") }
        #expect { try ImageReference(parsing: "busybox@sha256:12") } throws: { "\($0)".contains("invalid digest") }
        #expect { try ImageReference(parsing: "") } throws: { "\($0)".contains("empty") }
        #expect { try ImageReference(parsing: "a//b") } throws: { "\($0)".contains("repository component") }
    }

    @Test func loopbackHostsAreRecognisedForPlainHTTP() throws {
        #expect(RegistryEndpoint.isLoopback("127.0.0.1:5000"))
        #expect(RegistryEndpoint.isLoopback("127.1.2.3"))
        #expect(RegistryEndpoint.isLoopback("localhost:5000"))
        #expect(RegistryEndpoint.isLoopback("[::1]:5000"))
        #expect(!RegistryEndpoint.isLoopback("10.0.0.1:5000"))
        #expect(!RegistryEndpoint.isLoopback("docker.io"))
        #expect(!RegistryEndpoint.isLoopback("127.example.com"))
        let hub = RegistryEndpoint(try ImageReference(parsing: "busybox"), insecureRegistries: [])
        #expect(hub.base == "https://registry-1.docker.io")
    }

    @Test func bearerChallengesParseRealmServiceAndScope() throws {
        let challenge = try #require(
            AuthChallenge(
                header:
                    #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull""#
            ))
        #expect(challenge.scheme == "bearer")
        #expect(challenge.parameters["realm"] == "https://auth.docker.io/token")
        #expect(challenge.parameters["service"] == "registry.docker.io")
        #expect(challenge.parameters["scope"] == "repository:library/busybox:pull")
    }
}
