import BerthSystem
import Foundation
import Testing

@testable import BerthImage

#if canImport(Glibc)
    import Glibc
#endif

/// A temporary directory named berth-test-*, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/berth-test-XXXXXX".utf8CString)
        let result = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }
        }
        guard let result else { throw SystemCallError("mkdtemp", "/tmp/berth-test-XXXXXX") }
        path = String(cString: result)
    }

    func remove() { try? TreeRemover(root: "/tmp").remove(path) }

    func file(_ name: String) -> String { "\(path)/\(name)" }
}

enum Files {
    static func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    static func status(_ path: String) -> stat? {
        var raw = stat()
        return lstat(path, &raw) == 0 ? raw : nil
    }

    static func makeDirectory(_ path: String) throws { try DirectoryTree.makeDirectories(path, mode: 0o755) }
}

/// Builds tar streams in memory for tests, with the production writer.
final class MemorySink: ByteSink {
    var bytes: [UInt8] = []
    func write(_ buffer: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: buffer) }
}

final class MemoryStream: ByteStream {
    private let bytes: [UInt8]
    private var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        bytes.withUnsafeBytes { raw in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + count]))
        }
        offset += count
        return count
    }
}

enum TarBuilder {
    /// `entries` with content for regular files.
    static func tar(_ entries: [(TarEntry, [UInt8])]) throws -> [UInt8] {
        let sink = MemorySink()
        let writer = TarWriter(sink)
        for (entry, content) in entries {
            var entry = entry
            if entry.kind == .regular { entry.size = Int64(content.count) }
            try writer.writeHeader(entry)
            if !content.isEmpty { try content.withUnsafeBytes { try writer.writeContent($0) } }
        }
        try writer.finish()
        return sink.bytes
    }

    static func file(_ path: String, _ text: String, mode: UInt32 = 0o644) -> (TarEntry, [UInt8]) {
        (TarEntry(path: path, kind: .regular, mode: mode), Array(text.utf8))
    }

    static func directory(_ path: String, mode: UInt32 = 0o755) -> (TarEntry, [UInt8]) {
        (TarEntry(path: path, kind: .directory, mode: mode), [])
    }

    static func symlink(_ path: String, to target: String) -> (TarEntry, [UInt8]) {
        (TarEntry(path: path, kind: .symbolicLink, mode: 0o777, linkTarget: target), [])
    }

    static func hardlink(_ path: String, to target: String) -> (TarEntry, [UInt8]) {
        (TarEntry(path: path, kind: .hardLink, linkTarget: target), [])
    }

    /// Unpacks `bytes` into a fresh directory below `parent`; returns its path.
    static func unpack(_ bytes: [UInt8], into directory: String) throws {
        let root = try FileDescriptor.open(directory, DirectoryTree.directoryFlags)
        defer { root.close() }
        try LayerUnpacker(root: root).unpack(TarReader(MemoryStream(bytes)))
    }
}

/// Runs a tool to completion with a deadline; returns its exit status and combined output.
enum Tool {
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 120
    )
        throws -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let output = try TemporaryDirectory()
        defer { output.remove() }
        let log = output.file("log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw ImageError.registry("\(executable) \(arguments.joined(separator: " ")) timed out")
        }
        try handle.close()
        return (process.terminationStatus, (try? Files.read(log)) ?? "")
    }

    /// Runs and requires exit status 0.
    @discardableResult
    static func succeed(_ executable: String, _ arguments: [String]) throws -> String {
        let result = try run(executable, arguments)
        guard result.status == 0 else {
            throw ImageError.registry(
                "\(executable) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.output)")
        }
        return result.output
    }
}

/// A busybox root filesystem built from Debian's busybox-static, shared by tests.
enum SampleRootfs {
    static func make(at path: String) throws {
        for directory in ["bin", "etc", "tmp", "var/www"] { try Files.makeDirectory("\(path)/\(directory)") }
        try Tool.succeed("/bin/cp", ["/bin/busybox", "\(path)/bin/busybox"])
        for applet in ["sh", "ls", "cat", "echo"] {
            try Tool.succeed("/bin/ln", ["-s", "busybox", "\(path)/bin/\(applet)"])
        }
        try Files.write(
            "\(path)/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
        try Files.write("\(path)/var/www/index.html", "hello from berth\n")
        try Tool.succeed("/bin/ln", ["\(path)/etc/passwd", "\(path)/etc/passwd.hardlink"])
    }

    /// An OCI layout at `layout` with image `tag`, built by umoci from a sample rootfs.
    static func makeOCILayout(_ layout: String, tag: String, scratch: String) throws {
        let rootfs = "\(scratch)/rootfs-\(tag)"
        try make(at: rootfs)
        try Tool.succeed("/usr/bin/umoci", ["init", "--layout", layout])
        try Tool.succeed("/usr/bin/umoci", ["new", "--image", "\(layout):\(tag)"])
        // `umoci insert` (0.4.7) truncates the last entry of the layer it writes; unpack +
        // repack produces a well-formed one.
        let bundle = "\(scratch)/bundle-\(tag)"
        try Tool.succeed("/usr/bin/umoci", ["unpack", "--image", "\(layout):\(tag)", bundle])
        try Tool.succeed("/bin/cp", ["-a", "\(rootfs)/.", "\(bundle)/rootfs/"])
        try Tool.succeed("/usr/bin/umoci", ["repack", "--image", "\(layout):\(tag)", bundle])
        try Tool.succeed(
            "/usr/bin/umoci",
            [
                "config", "--image", "\(layout):\(tag)", "--config.cmd", "sh", "--config.env", "GREETING=hello",
                "--config.workingdir", "/var/www", "--config.exposedports", "8080/tcp", "--config.label",
                "org.example=yes",
            ])
    }
}

extension Files {
    /// Extended attributes of `path` (not following a final symlink).
    static func extendedAttributes(_ path: String) throws -> [String: [UInt8]] {
        let (parent, name) = DirectoryTree.split(path)
        let directory = try FileDescriptor.open(parent, DirectoryTree.directoryFlags)
        defer { directory.close() }
        return Dictionary(try directory.extendedAttributesAt(name).map { ($0.0, $0.1) }) { $1 }
    }
}
