import BerthNetwork
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `berth volume` and `berth network`, external volumes and networks shared by two projects,
/// anonymous volumes and DNS scoped to the asker's networks, through the built binary.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root for namespaces, bridges and mounts"))
struct NetworkVolumeTests {
    /// Runs `nslookup NAME` in a service until `accept` holds or a deadline passes: the
    /// daemon that owns a shared network's DNS reloads within about a second.
    func lookup(
        _ fixture: StackFixture, _ files: [String], from service: String, _ name: String,
        until accept: (BerthBinary.Result) -> Bool
    ) throws -> BerthBinary.Result {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        var result = try fixture.berth(["exec"], files + [service, "nslookup", name])
        var attempts = 0
        while !accept(result) && clock.now < deadline && attempts < 40 {
            attempts += 1
            usleep(250_000)
            result = try fixture.berth(["exec"], files + [service, "nslookup", name])
        }
        return result
    }

    static func resolved(_ result: BerthBinary.Result) -> Bool {
        result.status == 0 && !result.stdout.contains("NXDOMAIN") && result.stdout.contains("Name:")
    }

    static func notFound(_ result: BerthBinary.Result) -> Bool {
        (result.stdout + result.stderr).contains("NXDOMAIN")
    }

    static let scoped = """
        name: scoped
        services:
          left:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
            networks: [a]
          right:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
            networks: [b]
          both:
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
            networks: [a, b]
        networks:
          a: {}
          b: {}
        """

    @Test(.timeLimit(.minutes(2)))
    func aServiceResolvesOnlyServicesItSharesANetworkWith() throws {
        let fixture = try StackFixture()
        let files = ["-f", try fixture.directory.write("scoped/compose.yaml", Self.scoped).path]
        defer { fixture.cleanUp(["scoped": files]) }
        let up = try fixture.berth(["up"], files + ["-d", "--wait"])
        try #require(up.status == 0, "\(up.stderr)")

        let hidden = try fixture.berth(["exec"], files + ["left", "nslookup", "right"])
        #expect(Self.notFound(hidden), "left resolved right: \(hidden.stdout)")
        let hiddenBack = try fixture.berth(["exec"], files + ["right", "nslookup", "left"])
        #expect(Self.notFound(hiddenBack), "right resolved left: \(hiddenBack.stdout)")
        let shared = try fixture.berth(["exec"], files + ["left", "nslookup", "both"])
        #expect(Self.resolved(shared), "\(shared.stdout)\(shared.stderr)")
        for name in ["left", "right"] {
            let seen = try fixture.berth(["exec"], files + ["both", "nslookup", name])
            #expect(Self.resolved(seen), "both cannot resolve \(name): \(seen.stdout)\(seen.stderr)")
        }

        #expect(try fixture.berth(["down"], files + ["-t", "1"]).status == 0)
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(2)))
    func anonymousVolumesLiveAndDieWithTheirContainerAndUsedVolumesAreNotRemoved() throws {
        let fixture = try StackFixture()
        let files = [
            "-f",
            try fixture.directory.write(
                "anon/compose.yaml",
                """
                name: anon
                services:
                  box:
                    image: busybox:latest
                    command: ["sleep", "600"]
                    init: true
                    volumes:
                      - data:/data
                      - /scratch
                volumes:
                  data: {}
                """
            ).path,
        ]
        defer { fixture.cleanUp(["anon": files]) }
        try #require(try fixture.berth(["up"], files + ["-d", "--wait"]).status == 0)
        let write = try fixture.berth(["exec"], files + ["box", "sh", "-c", "echo x > /scratch/f"])
        #expect(write.status == 0, "\(write.stderr)")

        let list = try fixture.berth(["volume", "ls"], ["--format", "json"])
        try #require(list.status == 0, "\(list.stderr)")
        let volumes = try #require(
            try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let byName = Dictionary(
            uniqueKeysWithValues: volumes.compactMap { v in (v["Name"] as? String).map { ($0, v) } })
        #expect(byName["anon_data"]?["UsedBy"] as? [String] == ["anon-box-1"])
        #expect(byName["anon_data"]?["Project"] as? String == "anon")
        #expect(byName["anon-box-1@1"]?["Anonymous"] as? Bool == true)
        let scratch = try #require(byName["anon-box-1@1"]?["Mountpoint"] as? String)
        #expect(FileManager.default.contents(atPath: scratch + "/f") == Data("x\n".utf8))

        let refused = try fixture.berth(["volume", "rm"], ["anon_data"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("volume anon_data is in use by container anon-box-1"), "\(refused.stderr)")
        let refusedForce = try fixture.berth(["volume", "rm"], ["-f", "anon_data"])
        #expect(refusedForce.status != 0)
        let prune = try fixture.berth(["volume", "prune"], ["--all"])
        #expect(prune.status == 0 && prune.stdout.contains("Removed 0 volumes"), "\(prune.stdout)")

        #expect(try fixture.berth(["down"], files + ["-t", "1"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: scratch))
        let after = try fixture.berth(["volume", "ls"], ["-q"])
        #expect(after.stdout == "anon_data\n", "\(after.stdout)")
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test(.timeLimit(.minutes(1)))
    func volumeCommandsCreateListInspectRemoveAndPruneLikeDocker() throws {
        let directory = try TemporaryDirectory()
        let root = directory.url.path
        func berth(_ arguments: [String]) throws -> BerthBinary.Result {
            try BerthBinary.run(arguments + ["--root", root])
        }
        #expect(try berth(["volume", "create", "keep"]).stdout == "keep\n")
        let anonymous = try berth(["volume", "create"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(anonymous.count == 32)
        let table = try berth(["volume", "ls"]).stdout
        #expect(table.hasPrefix("DRIVER"))
        #expect(table.contains("local    keep") || table.contains("keep"))
        let inspect = try berth(["volume", "inspect", "--format", "json", "keep"])
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [[String: Any]])
        #expect(objects.first?["Mountpoint"] as? String == "\(root)/volumes/keep/_data")
        #expect(objects.first?["Anonymous"] as? Bool == false)

        let missing = try berth(["volume", "rm", "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("volume nope does not exist"))
        #expect(try berth(["volume", "rm", "-f", "nope"]).status == 0)
        let invalid = try berth(["volume", "create", "../x"])
        #expect(invalid.status != 0 && invalid.stderr.contains("invalid volume name"))

        let prune = try berth(["volume", "prune"])
        #expect(prune.stdout.contains(anonymous) && !prune.stdout.contains("keep"), "\(prune.stdout)")
        #expect(try berth(["volume", "ls", "-q"]).stdout == "keep\n")
        let pruneAll = try berth(["volume", "prune", "--all"])
        #expect(pruneAll.stdout.contains("keep"))
        #expect(try berth(["volume", "ls", "-q"]).stdout == "")
    }

    @Test(.timeLimit(.minutes(1)))
    func networkCreateHonoursSubnetAndGatewayAndExplainsBadInput() throws {
        let fixture = try StackFixture()
        defer { fixture.removeHostNetworks() }
        let noSubnet = try fixture.berth(["network", "create"], ["--gateway", "10.213.251.9", "bad1"])
        #expect(noSubnet.status == 1 && noSubnet.stderr.contains("--gateway needs --subnet"), "\(noSubnet.stderr)")
        let badSubnet = try fixture.berth(["network", "create"], ["--subnet", "10.213.251.0/33", "bad2"])
        #expect(badSubnet.status == 1 && badSubnet.stderr.contains("not an IPv4 subnet"), "\(badSubnet.stderr)")
        let overlay = try fixture.berth(["network", "create"], ["--driver", "overlay", "bad3"])
        #expect(overlay.status == 2 && overlay.stderr.contains("bridge driver only"), "\(overlay.stderr)")
        #expect(fixture.hostBridges().isEmpty)

        let made = try fixture.berth(
            ["network", "create"], ["--subnet", "10.213.251.0/24", "--gateway", "10.213.251.254", "berthfixed"])
        try #require(made.status == 0, "\(made.stderr)")
        let again = try fixture.berth(["network", "create"], ["berthfixed"])
        #expect(again.status == 1 && again.stderr.contains("network berthfixed already exists"), "\(again.stderr)")
        let list = try fixture.berth(["network", "ls"], ["--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["Subnet"] as? String == "10.213.251.0/24")
        #expect(rows.first?["Gateway"] as? String == "10.213.251.254")
        let bridge = try #require(fixture.hostBridges().first)
        #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)"))
        #expect(try fixture.berth(["network", "rm"], ["berthfixed"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)"))
        let missing = try fixture.berth(["network", "inspect"], ["berthfixed"])
        #expect(missing.status != 0 && missing.stderr.contains("network berthfixed does not exist"))
    }

    static func sharer(_ project: String, service: String, extra: String = "") -> String {
        """
        name: \(project)
        services:
          \(service):
            image: busybox:latest
            command: ["sleep", "600"]
            init: true
            networks: [default, shared]
            volumes:
              - common:/common
        \(extra)
        networks:
          shared:
            external: true
            name: berthshared
        volumes:
          common:
            external: true
            name: berthcommon
        """
    }

    @Test(.timeLimit(.minutes(3)))
    func twoProjectsShareAnExternalNetworkAndVolumeThatOutliveBoth() throws {
        let fixture = try StackFixture()
        let first = ["-f", try fixture.directory.write("pa/compose.yaml", Self.sharer("pa", service: "alpha")).path]
        let second = [
            "-f",
            try fixture.directory.write(
                "pb/compose.yaml",
                Self.sharer(
                    "pb", service: "beta",
                    extra: "  gamma:\n    image: busybox:latest\n    command: [\"sleep\", \"600\"]\n"
                        + "    init: true\n    networks: [shared]")
            ).path,
        ]
        defer {
            fixture.cleanUp(["pa": first, "pb": second])
            fixture.removeHostNetworks()
        }

        let noNetwork = try fixture.berth(["up"], first + ["-d"])
        #expect(noNetwork.status != 0)
        #expect(
            noNetwork.stderr.contains("network berthshared (networks.shared) is external but does not exist"),
            "\(noNetwork.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/projects/pa/state.json"))

        let created = try fixture.berth(["network", "create"], ["--internal", "berthshared"])
        try #require(created.status == 0, "\(created.stderr)")
        let noVolume = try fixture.berth(["up"], first + ["-d"])
        #expect(noVolume.status != 0)
        #expect(noVolume.stderr.contains("berthcommon"), "\(noVolume.stderr)")
        try #require(try fixture.berth(["volume", "create"], ["berthcommon"]).status == 0)

        let upA = try fixture.berth(["up"], first + ["-d", "--wait"])
        try #require(upA.status == 0, "\(upA.stderr)")
        let upB = try fixture.berth(["up"], second + ["-d", "--wait"])
        try #require(upB.status == 0, "\(upB.stderr)")

        #expect(try fixture.berth(["exec"], first + ["alpha", "sh", "-c", "echo hi > /common/f"]).status == 0)
        #expect(try fixture.berth(["exec"], second + ["beta", "cat", "/common/f"]).stdout == "hi\n")

        // beta asks its own project's DNS; gamma, only on the shared network, asks the shared
        // network's single server (owned by one daemon) and sees both projects there.
        #expect(Self.resolved(try lookup(fixture, second, from: "beta", "alpha", until: Self.resolved)))
        #expect(Self.resolved(try lookup(fixture, second, from: "gamma", "alpha", until: Self.resolved)))
        #expect(Self.resolved(try lookup(fixture, second, from: "gamma", "beta", until: Self.resolved)))
        #expect(Self.resolved(try lookup(fixture, first, from: "alpha", "pb-gamma-1", until: Self.resolved)))

        let inspect = try fixture.berth(["network", "inspect"], ["--format", "json", "berthshared"])
        #expect(inspect.stdout.contains("pa-alpha-1") && inspect.stdout.contains("pb-gamma-1"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("\"Internal\" : true"))
        let busy = try fixture.berth(["network", "rm"], ["berthshared"])
        #expect(busy.status != 0)
        #expect(busy.stderr.contains("network berthshared is in use by"), "\(busy.stderr)")

        // down -v leaves what the project only borrowed; the other project's DNS carries on.
        #expect(try fixture.berth(["down"], first + ["-v", "-t", "1"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: fixture.root + "/volumes/berthcommon/_data/f"))
        let takenOver = try lookup(fixture, second, from: "gamma", "beta", until: Self.resolved)
        #expect(Self.resolved(takenOver), "\(takenOver.stdout)\n\(fixture.daemonLogs())")
        let gone = try lookup(fixture, second, from: "gamma", "alpha", until: Self.notFound)
        #expect(Self.notFound(gone), "\(gone.stdout)")

        #expect(try fixture.berth(["down"], second + ["-v", "-t", "1"]).status == 0)
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
        let bridge = try #require(fixture.hostBridges().first)
        #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)"))
        #expect(try fixture.berth(["network", "rm"], ["berthshared"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)"))
        #expect(try fixture.berth(["network", "ls"], ["-q"]).stdout == "")
        #expect(try fixture.berth(["volume", "rm"], ["berthcommon"]).status == 0)
    }
}

extension StackFixture {
    /// Every project's network daemon log, for failure messages.
    func daemonLogs() -> String {
        let directory = root + "/projects"
        let projects = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return projects.sorted().map { project in
            let log = FileManager.default.contents(atPath: "\(directory)/\(project)/netd.log") ?? Data()
            return "[\(project)]\n" + String(decoding: log, as: UTF8.self)
        }.joined(separator: "\n")
    }

    /// Bridges of networks made with `berth network create` under this root.
    func hostBridges() -> [String] {
        let directory = root + "/networks"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".json") }.compactMap { file in
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(file)"),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return object["bridge"] as? String
        }
    }

    /// Deletes those bridges, whatever the test got to.
    func removeHostNetworks() {
        guard let netlink = try? RouteNetlink() else { return }
        for bridge in hostBridges() { try? netlink.deleteLink(bridge) }
    }
}
