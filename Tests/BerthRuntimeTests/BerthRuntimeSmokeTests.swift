import Testing

@testable import BerthRuntime

@Suite struct JSONTests {
    @Test func specRoundTripsThroughJSON() throws {
        var spec = ContainerSpec(
            lowerDirectories: ["/a", "/b"], process: ProcessSpec(arguments: ["sh", "-c", "echo \"hi\"\n"]))
        spec.restartPolicy = .onFailure(maxRetries: 3)
        spec.mounts = [MountSpec(kind: .tmpfs(sizeBytes: 1024, mode: nil), target: "/run")]
        spec.resources.memoryBytes = 1 << 40
        let text = try JSONCoding.encodeString(spec)
        let back = try JSONCoding.decode(ContainerSpec.self, from: Array(text.utf8))
        #expect(back == spec)
    }

    @Test func timestampsAreRFC3339UTC() {
        #expect(Clock.rfc3339(nanoseconds: 0) == "1970-01-01T00:00:00.000000000Z")
        #expect(Clock.rfc3339(nanoseconds: 1_709_251_199_000_000_001) == "2024-02-29T23:59:59.000000001Z")
    }

    @Test func nonNamespacedSysctlIsRejectedWithTheAllowedList() {
        var spec = ContainerSpec(lowerDirectories: ["/"], process: ProcessSpec(arguments: ["true"]))
        spec.sysctls = ["kernel.domainname": "x"]
        #expect(throws: RuntimeError.self) { try spec.validate() }
    }

    @Test func capAddAndDropResolveAgainstTheDefaultSet() throws {
        var security = SecuritySpec()
        security.capabilityDrop = ["ALL"]
        security.capabilityAdd = ["cap_net_admin"]
        let set = try CapabilitySet.resolve(security, lastCapability: 40)
        #expect(set.numbers == [12])
        #expect(CapabilitySet.containerDefault.bits == 0xa80425fb)
    }

    @Test func userResolvesNamesAndSupplementaryGroups() throws {
        let user = try ResolvedUser.resolve(
            "app", passwd: "app:x:1000:1000:app:/home/app:/bin/sh\n", group: "app:x:1000:\nextra:x:2000:app\n")
        #expect(user == ResolvedUser(uid: 1000, gid: 1000, additionalGroups: [2000], home: "/home/app"))
    }
}
