import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Generated test data for the `Escapes` suites: small static probes compiled from C source
/// by the test itself, and crafted root filesystems a hostile image author would ship. Nothing
/// here is a binary blob in the repository; every probe and image is rebuilt from text.
enum StaticProbe {
    /// Compiles `source` into a statically linked executable (so it runs in any rootfs) and
    /// returns its path inside `directory`. Needs `cc` and libc's static archive (`gcc`,
    /// `libc6-dev`, installed by scripts/install-deps).
    /// `flags` go before the source (e.g. `-m32 -nostdlib` for a libc-free 32-bit probe).
    static func build(_ name: String, source: String, in directory: TemporaryDirectory, flags: [String] = [])
        throws -> String
    {
        let sourceFile = try directory.write("probes/\(name).c", source)
        let output = directory.url.appendingPathComponent("probes/\(name)").path
        let result = try BerthBinary.run(
            executable: "/usr/bin/cc", ["-static", "-O1"] + flags + ["-o", output, sourceFile.path], environment: [:],
            timeout: .seconds(60))
        try #require(result.status == 0, "compiling probe \(name) failed: \(result.stderr)")
        return output
    }
}

/// A minimal busybox root filesystem a test can reshape (add symlinks, FIFOs, probes) before
/// importing it as an image with `berth image import`.
struct CraftedRootfs {
    let path: String

    /// `/bin/busybox` with `sh`, `cat`, `sleep`, `ls`, `echo`, `true` links, `/etc/passwd`
    /// and `/etc/group` with root and nobody, and empty `/proc`, `/sys`, `/dev`, `/tmp`.
    init(in directory: TemporaryDirectory, name: String = "rootfs") throws {
        path = directory.url.path + "/" + name
        let fm = FileManager.default
        for dir in ["bin", "etc", "proc", "sys", "dev", "tmp", "root", "run"] {
            try fm.createDirectory(atPath: "\(path)/\(dir)", withIntermediateDirectories: true)
        }
        chmod("\(path)/tmp", 0o1777)
        try fm.copyItem(atPath: "/bin/busybox", toPath: "\(path)/bin/busybox")
        for applet in ["sh", "cat", "sleep", "ls", "echo", "true", "id", "stat", "readlink", "test", "grep"] {
            try fm.createSymbolicLink(atPath: "\(path)/bin/\(applet)", withDestinationPath: "busybox")
        }
        try write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n")
        try write("etc/group", "root:x:0:\nnogroup:x:65534:\n")
    }

    func write(_ relative: String, _ text: String, mode: mode_t = 0o644) throws {
        let file = "\(path)/\(relative)"
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, mode)
    }

    /// Replaces `relative` (whatever it was) with a symlink to `target`.
    func symlink(_ relative: String, to target: String) throws {
        let file = "\(path)/\(relative)"
        try? FileManager.default.removeItem(atPath: file)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: target)
    }

    /// Replaces `relative` with a FIFO.
    func fifo(_ relative: String) throws {
        let file = "\(path)/\(relative)"
        try? FileManager.default.removeItem(atPath: file)
        try #require(mkfifo(file, 0o644) == 0, "mkfifo \(file): errno \(errno)")
    }

    /// Copies an executable (a compiled probe) to `relative`, mode 0755.
    func install(_ executable: String, at relative: String) throws {
        let file = "\(path)/\(relative)"
        try? FileManager.default.removeItem(atPath: file)
        try FileManager.default.copyItem(atPath: executable, toPath: file)
        chmod(file, 0o755)
    }

    /// `berth image import` of this tree as `reference` into `root`.
    func importImage(_ reference: String, root: String) throws {
        let result = try BerthBinary.run(
            executable: BerthBinary.path,
            [
                "image", "import", "--root", root, path, reference, "--change", "CMD [\"sh\"]", "--change",
                "ENV PATH=/bin",
            ], environment: ["NO_COLOR": "1"], timeout: .seconds(60))
        try #require(result.status == 0, "importing crafted image \(reference) failed: \(result.stderr)")
    }
}
