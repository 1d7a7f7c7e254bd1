import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A hostile image author ships symlinks, FIFOs and a `/sys -> /proc` where berth mounts files
/// and kernel filesystems. berth resolves every mount target inside the rootfs (as runc does:
/// a link is followed *within* the container's root), creates nothing through a link, and
/// refuses special files and a linked /proc, /sys or /dev with an error naming the path.
@Suite(
    "Escapes: image-controlled paths", .serialized,
    .enabled(if: getuid() == 0, "needs root for namespaces, mounts and image import"))
struct RootfsEscapeTests {
    /// Enough `..` to climb from any rootfs under /tmp to the host's `/` if it were followed there.
    static let climb = String(repeating: "../", count: 24)

    /// A stack of one long-running service on `image`, with optional extra service keys.
    static func compose(image: String, project: String, extra: String = "") -> String {
        """
        name: \(project)
        services:
          app:
            image: \(image)
            command: ["sleep", "600"]
        \(extra)
        """
    }

    @Test(.timeLimit(.minutes(3)))
    func symlinkedEtcFilesPointingOutsideResolveInsideTheContainerAndCreateNothingOnTheHost() throws {
        let fixture = try StackFixture()
        let outside = fixture.directory.url.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let rootfs = try CraftedRootfs(in: fixture.directory)
        try rootfs.symlink("etc/hostname", to: Self.climb + outside.dropFirst() + "/hostname")
        try rootfs.symlink("etc/hosts", to: outside + "/hosts")
        try rootfs.symlink("etc/resolv.conf", to: Self.climb + outside.dropFirst() + "/resolv.conf")
        try rootfs.importImage("berth-escape-etc:1", root: fixture.root)
        let file = try fixture.directory.write(
            "compose.yaml", Self.compose(image: "berth-escape-etc:1", project: "berthesc1"))
        let files = ["-f", file.path]
        defer { fixture.cleanUp(["berthesc1": files]) }

        let up = try fixture.berth(["up"], files + ["-d"], timeout: .seconds(60))
        #expect(up.status == 0, "\(up.stderr)")
        for name in ["hostname", "hosts", "resolv.conf"] {
            #expect(!FileManager.default.fileExists(atPath: "\(outside)/\(name)"), "\(name) was created on the host")
        }
        // docker's behaviour: the link is followed inside the container's root, so berth's
        // files land at the link's target *in the container*.
        let inside = try fixture.berth(["exec"], files + ["app", "cat", "/etc/hostname", outside + "/hosts"])
        #expect(inside.status == 0, "\(inside.stderr)")
        #expect(inside.stdout.contains("localhost"), "\(inside.stdout)")
    }

    @Test(.timeLimit(.minutes(3)))
    func symlinkToAHostFifoNeitherBlocksUpNorOpensTheFifo() throws {
        let fixture = try StackFixture()
        let fifo = fixture.directory.url.path + "/berth-host-fifo"
        try #require(mkfifo(fifo, 0o644) == 0, "mkfifo: errno \(errno)")
        let rootfs = try CraftedRootfs(in: fixture.directory)
        try rootfs.symlink("etc/hostname", to: fifo)
        try rootfs.importImage("berth-escape-fifolink:1", root: fixture.root)
        let file = try fixture.directory.write(
            "compose.yaml", Self.compose(image: "berth-escape-fifolink:1", project: "berthesc2"))
        let files = ["-f", file.path]
        defer { fixture.cleanUp(["berthesc2": files]) }

        // Before the fix the child opened the host FIFO for writing and waited for a reader.
        let up = try fixture.berth(["up"], files + ["-d"], timeout: .seconds(45))
        #expect(up.status == 0, "\(up.stderr)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the host FIFO was replaced")
    }

    @Test(.timeLimit(.minutes(3)))
    func fifoAsEtcHostnameIsRefusedWithAnErrorNamingThePath() throws {
        let fixture = try StackFixture()
        let rootfs = try CraftedRootfs(in: fixture.directory)
        try rootfs.fifo("etc/hostname")
        try rootfs.importImage("berth-escape-fifo:1", root: fixture.root)
        let file = try fixture.directory.write(
            "compose.yaml", Self.compose(image: "berth-escape-fifo:1", project: "berthesc3"))
        let files = ["-f", file.path]
        defer { fixture.cleanUp(["berthesc3": files]) }

        let up = try fixture.berth(["up"], files + ["-d"], timeout: .seconds(45))
        #expect(up.status != 0)
        #expect(up.stderr.contains("/etc/hostname"), "\(up.stderr)")
        #expect(up.stderr.contains("FIFO"), "\(up.stderr)")
    }

    @Test(.timeLimit(.minutes(3)))
    func symlinkedFileVolumeTargetStaysInsideTheContainer() throws {
        let fixture = try StackFixture()
        let outside = fixture.directory.url.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let source = try fixture.directory.write("app.conf", "setting=berth\n")
        let rootfs = try CraftedRootfs(in: fixture.directory)
        try rootfs.symlink("etc/app.conf", to: Self.climb + outside.dropFirst() + "/volume-target")
        try rootfs.importImage("berth-escape-volume:1", root: fixture.root)
        let file = try fixture.directory.write(
            "compose.yaml",
            Self.compose(
                image: "berth-escape-volume:1", project: "berthesc4",
                extra: "    volumes:\n      - \(source.path):/etc/app.conf:ro\n"))
        let files = ["-f", file.path]
        defer { fixture.cleanUp(["berthesc4": files]) }

        let up = try fixture.berth(["up"], files + ["-d"], timeout: .seconds(60))
        #expect(up.status == 0, "\(up.stderr)")
        #expect(!FileManager.default.fileExists(atPath: outside + "/volume-target"), "created on the host")
        let inside = try fixture.berth(["exec"], files + ["app", "cat", "/etc/app.conf"])
        #expect(inside.stdout == "setting=berth\n", "\(inside.stdout)\(inside.stderr)")
    }

    @Test(.timeLimit(.minutes(2)))
    func sysLinkedToProcIsRefusedWithAClearError() throws {
        let fixture = try RuntimeFixture()
        let rootfs = try CraftedRootfs(in: fixture.directory)
        try FileManager.default.removeItem(atPath: rootfs.path + "/sys")
        try rootfs.symlink("sys", to: "/proc")
        let id = "berth-syslink-\(getpid())"
        defer {
            _ = try? fixture.berth(["container", "rm", "-f", id])
            fixture.cleanUp()
        }
        let run = try fixture.berth(["container", "run", "--rm", "--rootfs", rootfs.path, "--name", id, "true"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("/sys is a symbolic link"), "\(run.stderr)")
    }
}
