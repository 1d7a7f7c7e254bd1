import BerthSystem
import Foundation
import Testing

@testable import BerthRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// MountTarget's resolution against a hand-made tree: links stay inside the root, nothing is
/// created through a link, special files are refused. No mount happens, so these are quick.
@Suite(.enabled(if: getuid() == 0, "mknod of a device node needs root"))
struct MountTargetTests {
    final class Tree {
        let base = NSTemporaryDirectory() + "berth-test-target-\(UUID().uuidString.prefix(8))"
        var root: String { base + "/root" }
        var outside: String { base + "/outside" }

        init() throws {
            for dir in [root + "/etc", outside] {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
        }

        deinit { try? FileManager.default.removeItem(atPath: base) }

        func link(_ relative: String, to target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: "\(root)/\(relative)", withDestinationPath: target)
        }

        func open(_ target: String, _ kind: MountTarget.Kind) throws -> FileStatus {
            let rootFD = try FileDescriptor.open(root, Kernel.oPath | O_DIRECTORY)
            defer { rootFD.close() }
            let fd = try MountTarget.open(rootFD, target, kind: kind)
            defer { fd.close() }
            return try fd.status()
        }

        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
    }

    @Test func aLinkClimbingOutOfTheRootCreatesItsTargetInsideTheRoot() throws {
        let tree = try Tree()
        try tree.link("etc/hostname", to: String(repeating: "../", count: 20) + tree.outside.dropFirst() + "/x")
        let status = try tree.open("/etc/hostname", .file)
        #expect(status.isRegularFile)
        #expect(!tree.exists(tree.outside + "/x"))
        #expect(tree.exists(tree.root + tree.outside + "/x"))
    }

    @Test func anAbsoluteDanglingLinkToADirectoryIsCreatedInsideTheRoot() throws {
        let tree = try Tree()
        try tree.link("data", to: tree.outside + "/volume")
        let status = try tree.open("/data/sub", .directory)
        #expect(status.isDirectory)
        #expect(!tree.exists(tree.outside + "/volume"))
        #expect(tree.exists(tree.root + tree.outside + "/volume/sub"))
    }

    @Test func aLinkLoopFailsInsteadOfRecursing() throws {
        let tree = try Tree()
        try tree.link("a", to: "b")
        try tree.link("b", to: "a")
        #expect(throws: RuntimeError.self) { try tree.open("/a/x", .directory) }
        #expect(throws: RuntimeError.self) { try tree.open("/a", .file) }
    }

    @Test func fifosAndDevicesAreRefusedAsFileTargetsAndNamed() throws {
        let tree = try Tree()
        try #require(mkfifo(tree.root + "/etc/hostname", 0o644) == 0)
        try #require(mknod(tree.root + "/etc/hosts", S_IFCHR | 0o644, dev_t(makeDeviceNumber(major: 1, minor: 3))) == 0)
        for (path, what) in [("/etc/hostname", "FIFO"), ("/etc/hosts", "character device")] {
            do {
                _ = try tree.open(path, .file)
                Issue.record("\(path) was accepted")
            } catch {
                #expect("\(error)".contains(path) && "\(error)".contains(what), "\(error)")
            }
        }
        #expect(try tree.open("/etc/hosts", .device).fileType == UInt32(S_IFCHR))
    }

    @Test func anExistingRegularFileIsUsedAsItIs() throws {
        let tree = try Tree()
        try "x\n".write(toFile: tree.root + "/etc/resolv.conf", atomically: false, encoding: .utf8)
        #expect(try tree.open("/etc/resolv.conf", .file).size == 2)
    }
}
