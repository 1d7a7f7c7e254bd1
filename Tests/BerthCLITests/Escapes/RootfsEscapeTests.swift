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

    @Test(.timeLimit(.minutes(3)))
    func symlinkedEtcFilesPointingOutsideResolveInsideTheContainerAndCreateNothingOnTheHost() throws {
        let stack = try CraftedStack(project: "berthesc1")
        defer { stack.cleanUp() }
        let outside = stack.fixture.directory.url.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try stack.rootfs.symlink("etc/hostname", to: Self.climb + outside.dropFirst() + "/hostname")
        try stack.rootfs.symlink("etc/hosts", to: outside + "/hosts")
        try stack.rootfs.symlink("etc/resolv.conf", to: Self.climb + outside.dropFirst() + "/resolv.conf")

        let up = try stack.up()
        #expect(up.status == 0, "\(up.stderr)")
        for name in ["hostname", "hosts", "resolv.conf"] {
            #expect(!FileManager.default.fileExists(atPath: "\(outside)/\(name)"), "\(name) was created on the host")
        }
        // docker's behaviour: the link is followed inside the container's root, so berth's
        // files land at the link's target *in the container*.
        let inside = try stack.exec(["cat", "/etc/hostname", outside + "/hosts"])
        #expect(inside.status == 0, "\(inside.stderr)")
        #expect(inside.stdout.contains("localhost"), "\(inside.stdout)")
    }

    @Test(.timeLimit(.minutes(3)))
    func symlinkToAHostFifoNeitherBlocksUpNorOpensTheFifo() throws {
        let stack = try CraftedStack(project: "berthesc2")
        defer { stack.cleanUp() }
        let fifo = stack.fixture.directory.url.path + "/berth-host-fifo"
        try #require(mkfifo(fifo, 0o644) == 0, "mkfifo: errno \(errno)")
        try stack.rootfs.symlink("etc/hostname", to: fifo)

        // Before the fix the child opened the host FIFO for writing and waited for a reader.
        let up = try stack.up(timeout: .seconds(45))
        #expect(up.status == 0, "\(up.stderr)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the host FIFO was replaced")
    }

    @Test(.timeLimit(.minutes(3)))
    func fifoAsEtcHostnameIsRefusedWithAnErrorNamingThePath() throws {
        let stack = try CraftedStack(project: "berthesc3")
        defer { stack.cleanUp() }
        try stack.rootfs.fifo("etc/hostname")

        let up = try stack.up(timeout: .seconds(45))
        #expect(up.status != 0)
        #expect(up.stderr.contains("/etc/hostname"), "\(up.stderr)")
        #expect(up.stderr.contains("FIFO"), "\(up.stderr)")
    }

    @Test(.timeLimit(.minutes(3)))
    func symlinkedFileVolumeTargetStaysInsideTheContainer() throws {
        let stack = try CraftedStack(project: "berthesc4")
        defer { stack.cleanUp() }
        let outside = stack.fixture.directory.url.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let source = try stack.fixture.directory.write("app.conf", "setting=berth\n")
        try stack.rootfs.symlink("etc/app.conf", to: Self.climb + outside.dropFirst() + "/volume-target")

        let up = try stack.up(service: "    volumes:\n      - \(source.path):/etc/app.conf:ro\n")
        #expect(up.status == 0, "\(up.stderr)")
        #expect(!FileManager.default.fileExists(atPath: outside + "/volume-target"), "created on the host")
        let inside = try stack.exec(["cat", "/etc/app.conf"])
        #expect(inside.stdout == "setting=berth\n", "\(inside.stdout)\(inside.stderr)")
    }

    @Test(.timeLimit(.minutes(2)))
    func sysLinkedToProcIsRefusedWithAClearError() throws {
        let container = try CraftedContainer("syslink")
        defer { container.cleanUp() }
        try FileManager.default.removeItem(atPath: container.rootfs.path + "/sys")
        try container.rootfs.symlink("sys", to: "/proc")
        let run = try container.run(["true"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("/sys is a symbolic link"), "status \(run.status): \(run.stdout)\(run.stderr)")
    }
}
