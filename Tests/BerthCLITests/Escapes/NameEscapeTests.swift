import BerthSystem
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 17, class 2: a hostile stack file or a damaged root must not make berth delete
/// anything outside its root or a volume a running container uses.
@Suite("Escapes: names and state", .serialized)
struct NameEscapeTests {
    /// `berth <command> -f FILE` with no root (config needs none).
    static func config(_ file: URL) throws -> BerthBinary.Result {
        try BerthBinary.run(["config", "-f", file.path], environment: ["NO_COLOR": "1", "BERTH_SECRET": "x"])
    }

    @Test(.enabled(if: getuid() == 0, "up needs root for namespaces, bridges and mounts"), .timeLimit(.minutes(2)))
    func volumeNameWithParentDirectoriesIsRefusedAndTheHostDirectorySurvivesUpAndDown() throws {
        let fixture = try StackFixture()
        // `<root>/volumes/../../victim` is this directory, outside the root.
        let victim = fixture.directory.url.path + "/victim"
        let precious = try fixture.directory.write("victim/_data/precious", "keep me\n")
        let file = try fixture.directory.write(
            "evil/compose.yaml",
            """
            name: evil
            services:
              app:
                image: busybox:latest
                command: ["sleep", "1000"]
                volumes: ["evil:/data"]
            volumes:
              evil:
                name: "../../victim"
            """)
        let files = ["-f", file.path]
        defer { fixture.cleanUp(["evil": files]) }
        let located = "compose.yaml:9:11: error: volumes.evil.name: '../../victim' is not a valid volume name"

        let config = try Self.config(file)
        #expect(config.status != 0 && config.stderr.contains(located), "\(config.stderr)")
        for command in [["plan"], ["up", "-d"]] {
            let result = try fixture.berth(command, files)
            #expect(result.status != 0 && result.stderr.contains(located), "\(command): \(result.stderr)")
        }
        _ = try fixture.berth(["down"], files + ["-v", "-t", "1"])
        #expect(FileManager.default.fileExists(atPath: precious.path), "\(victim) was deleted")
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/projects/evil/state.json"))
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test func networkSecretConfigServiceContainerAndImageNamesWithParentDirectoriesAreRefused() throws {
        let directory = try TemporaryDirectory()
        let cases: [(String, String)] = [
            ("networks:\n  n:\n    name: ../../net\n", "networks.n.name: '../../net' is not a valid network name"),
            (
                "secrets:\n  s:\n    environment: BERTH_SECRET\n    name: ../s\n",
                "secrets.s.name: '../s' is not a valid secret name"
            ),
            ("configs:\n  c:\n    content: x\n    name: ../c\n", "configs.c.name: '../c' is not a valid config name"),
        ]
        for (index, (section, message)) in cases.enumerated() {
            let file = try directory.write(
                "case\(index)/compose.yaml", "services:\n  web:\n    image: busybox:latest\n" + section)
            let result = try Self.config(file)
            #expect(result.status != 0 && result.stderr.contains(message), "\(result.stderr)")
        }
        let services: [(String, String)] = [
            (
                "  ../web:\n    image: busybox:latest\n",
                "compose.yaml:2:3: error: services.\"../web\": '../web' is not a valid service name"
            ),
            (
                "  web:\n    image: busybox:latest\n    container_name: ../../x\n",
                "compose.yaml:4:21: error: services.web.container_name: '../../x' is not a valid container name"
            ),
            (
                "  web:\n    image: ../../../etc\n",
                "compose.yaml:3:12: error: services.web.image: '../../../etc' is not an image reference"
            ),
        ]
        for (index, (body, message)) in services.enumerated() {
            let file = try directory.write("service\(index)/compose.yaml", "services:\n" + body)
            let result = try Self.config(file)
            #expect(result.status != 0 && result.stderr.contains(message), "\(result.stderr)")
        }
        let project = try directory.write("project/compose.yaml", "services:\n  web:\n    image: busybox:latest\n")
        let result = try BerthBinary.run(
            ["config", "-f", project.path, "-p", "../../x"], environment: ["NO_COLOR": "1", "BERTH_SECRET": "x"])
        #expect(result.status != 0 && result.stderr.contains("invalid project name '../../x'"), "\(result.stderr)")
    }

    @Test(.enabled(if: getuid() == 0, "up needs root for namespaces, bridges and mounts"), .timeLimit(.minutes(2)))
    func twoHundredCharacterServiceNameIsRefusedWhereItIsWrittenAndUpCreatesNothing() throws {
        let fixture = try StackFixture()
        let name = String(repeating: "s", count: 200)
        let file = try fixture.directory.write(
            "long/compose.yaml",
            "name: long\nservices:\n  \(name):\n    image: busybox:latest\n    command: [\"sleep\", \"1000\"]\n")
        let files = ["-f", file.path]
        defer { fixture.cleanUp(["long": files]) }
        let located = "compose.yaml:3:3: error: services.\(name): service name '\(name.prefix(40))…' has 200 bytes"

        let config = try Self.config(file)
        #expect(config.status != 0 && config.stderr.contains(located), "\(config.stderr)")
        let up = try fixture.berth(["up"], files + ["-d"])
        #expect(up.status != 0 && up.stderr.contains(located), "\(up.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/projects/long"))
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
        let namespaces = (try? FileManager.default.contentsOfDirectory(atPath: fixture.root + "/netns")) ?? []
        #expect(namespaces.isEmpty, "\(namespaces)")
    }

    /// The longest socket berth makes is `<root>/containers/<id>/supervisor.sock`; with a
    /// 120-byte container name under a test root it is far past sun_path (108 bytes).
    @Test(.enabled(if: getuid() == 0, "up needs root for namespaces, bridges and mounts"), .timeLimit(.minutes(2)))
    func containerWhoseSocketPathExceedsSunPathStartsExecsAndComesDown() throws {
        let fixture = try StackFixture()
        let name = "berth" + String(repeating: "c", count: 115)
        let file = try fixture.directory.write(
            "deep/compose.yaml",
            """
            name: deep
            services:
              app:
                image: busybox:latest
                command: ["sleep", "1000"]
                container_name: \(name)
                hostname: app
            """)
        let files = ["-f", file.path]
        defer { fixture.cleanUp(["deep": files]) }
        let socket = "\(fixture.root)/containers/\(name)/supervisor.sock"
        #expect(socket.utf8.count > 108)

        let up = try fixture.berth(["up"], files + ["-d"])
        try #require(up.status == 0, "\(up.stderr)")
        let exec = try fixture.berth(["exec"], files + ["-T", "app", "echo", "inside"])
        #expect(exec.status == 0 && exec.stdout == "inside\n", "\(exec.stderr)")
        let down = try fixture.berth(["down"], files + ["-t", "1"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(fixture.leftovers().isEmpty, "left behind: \(fixture.leftovers())")
    }

    @Test func treeRemoverRefusesAPathThatResolvesOutsideTheRoot() throws {
        let directory = try TemporaryDirectory()
        let root = directory.url.path + "/root"
        let precious = try directory.write("outside/precious", "keep me\n")
        try FileManager.default.createDirectory(atPath: root + "/volumes", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: root + "/volumes/link", withDestinationPath: directory.url.path + "/outside")
        let remover = TreeRemover(root: root)
        for path in [root + "/../outside", root + "/volumes/../../outside", root + "/volumes/link/precious", root] {
            #expect {
                try remover.remove(path)
            } throws: { error in
                let text = "\(error)"
                return text.contains(path) && text.contains("not beneath berth's root \"\(root)\"")
            }
        }
        #expect(FileManager.default.fileExists(atPath: precious.path))
        // The link itself is inside the root: removing it removes the link, not its target.
        try remover.remove(root + "/volumes/link")
        #expect(!FileManager.default.fileExists(atPath: root + "/volumes/link"))
        #expect(FileManager.default.fileExists(atPath: precious.path))
        try FileManager.default.createDirectory(atPath: root + "/volumes/v/_data/a", withIntermediateDirectories: true)
        try remover.remove(root + "/volumes/v")
        #expect(!FileManager.default.fileExists(atPath: root + "/volumes/v"))
    }

    static let database = """
        name: db
        services:
          app:
            image: busybox:latest
            command: ["sleep", "1000"]
            volumes: ["data:/data"]
        volumes:
          data: {}
        """

    /// Runs `body` with project `db` up (a sleeping container that mounts volume `db_data`)
    /// and the path of its state.json, which the body may damage: the record is restored
    /// afterwards (even when the body fails), and the project must then come down as usual.
    static func withRunningDatabase(_ body: (StackFixture, _ state: String) throws -> Void) throws {
        let fixture = try StackFixture()
        let file = try fixture.directory.write("db/compose.yaml", database)
        let files = ["-f", file.path]
        defer { fixture.cleanUp(["db": files]) }
        let up = try fixture.berth(["up"], files + ["-d"])
        try #require(up.status == 0, "\(up.stderr)")
        let state = fixture.root + "/projects/db/state.json"
        let saved = try #require(FileManager.default.contents(atPath: state))
        do {
            defer { try? saved.write(to: URL(fileURLWithPath: state)) }
            try body(fixture, state)
        }
        let down = try fixture.berth(["down"], files + ["-v", "-t", "1"])
        #expect(down.status == 0, "\(down.stderr)")
    }

    @Test(.enabled(if: getuid() == 0, "up needs root for namespaces, bridges and mounts"), .timeLimit(.minutes(2)))
    func truncatedStateStopsVolumePruneAllAndTheRunningContainersVolumeSurvives() throws {
        try Self.withRunningDatabase { fixture, state in
            try Data().write(to: URL(fileURLWithPath: state))
            let prune = try fixture.berth(["volume", "prune"], ["--all"])
            #expect(prune.status != 0, "\(prune.stdout)")
            #expect(prune.stderr.contains(state), "\(prune.stderr)")
            #expect(FileManager.default.fileExists(atPath: fixture.root + "/volumes/db_data/_data"))
        }
    }

    @Test(.enabled(if: getuid() == 0, "up needs root for namespaces, bridges and mounts"), .timeLimit(.minutes(2)))
    func volumeInUseIsNotRemovedEvenWhenItsProjectRecordIsMissing() throws {
        try Self.withRunningDatabase { fixture, state in
            try FileManager.default.removeItem(atPath: state)
            let remove = try fixture.berth(["volume", "rm"], ["db_data"])
            #expect(remove.status != 0, "\(remove.stdout)")
            #expect(remove.stderr.contains("volume db_data is in use by process"), "\(remove.stderr)")
            let prune = try fixture.berth(["volume", "prune"], ["--all"])
            #expect(!prune.stdout.contains("db_data"), "\(prune.stdout)")
            #expect(FileManager.default.fileExists(atPath: fixture.root + "/volumes/db_data/_data"))
        }
    }

    @Test(.enabled(if: getuid() == 0, "up needs root for namespaces, bridges and mounts"), .timeLimit(.minutes(2)))
    func downWithVolumesKeepsAVolumeAnotherProjectsRunningContainerMounts() throws {
        let fixture = try StackFixture()
        // The same stack under two names; the borrower joins the owner's volume.
        func stack(_ name: String, external: Bool) throws -> URL {
            try fixture.directory.write(
                "\(name)/compose.yaml",
                "name: \(name)\nservices:\n  app:\n    image: busybox:latest\n    command: [\"sleep\", \"1000\"]\n"
                    + "    volumes: [\"data:/data\"]\nvolumes:\n  data:\n    name: berthshared\n"
                    + (external ? "    external: true\n" : ""))
        }
        let owner = try stack("owner", external: false)
        let borrower = try stack("borrower", external: true)
        let projects = ["owner": ["-f", owner.path], "borrower": ["-f", borrower.path]]
        defer { fixture.cleanUp(projects) }
        for files in [projects["owner"] ?? [], projects["borrower"] ?? []] {
            let up = try fixture.berth(["up"], files + ["-d"])
            try #require(up.status == 0, "\(up.stderr)")
        }
        try "kept\n".write(toFile: fixture.root + "/volumes/berthshared/_data/f", atomically: false, encoding: .utf8)

        let down = try fixture.berth(["down"], (projects["owner"] ?? []) + ["-v", "-t", "1"])
        #expect(down.status != 0)
        #expect(down.stderr.contains("volume berthshared is still mounted by running process"), "\(down.stderr)")
        #expect(FileManager.default.fileExists(atPath: fixture.root + "/volumes/berthshared/_data/f"))
    }
}
