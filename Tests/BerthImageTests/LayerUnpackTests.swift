import BerthSystem
import Foundation
import Testing

@testable import BerthImage

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct LayerUnpackTests {
    @Test func metadataOwnershipLinksAndDevicesArePreserved() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let layer = scratch.file("layer")
        try Files.makeDirectory(layer)
        var script = TarEntry(
            path: "usr/bin/tool", kind: .regular, mode: 0o4750, uid: 1000, gid: 50, modificationSeconds: 1_600_000_000)
        script.extendedAttributes = [.init(name: "trusted.berth.test", value: Array("value".utf8))]
        let device = TarEntry(path: "dev/null", kind: .characterDevice, mode: 0o666, deviceMajor: 1, deviceMinor: 3)
        let bytes = try TarBuilder.tar([
            TarBuilder.directory("usr/", mode: 0o755),
            (TarEntry(path: "usr/bin/", kind: .directory, mode: 0o700, modificationSeconds: 1_500_000_000), []),
            (script, Array("#!/bin/sh\necho hi\n".utf8)),
            TarBuilder.hardlink("usr/bin/tool-link", to: "usr/bin/tool"),
            TarBuilder.symlink("usr/bin/alias", to: "tool"),
            (device, []),
            (TarEntry(path: "run/fifo", kind: .fifo, mode: 0o600), []),
        ])
        try TarBuilder.unpack(bytes, into: layer)
        let tool = try #require(Files.status("\(layer)/usr/bin/tool"))
        #expect(tool.st_mode & 0o7777 == 0o4750)
        #expect(tool.st_uid == 1000 && tool.st_gid == 50)
        #expect(tool.st_mtim.tv_sec == 1_600_000_000)
        #expect(tool.st_nlink == 2)
        let link = try #require(Files.status("\(layer)/usr/bin/tool-link"))
        #expect(link.st_ino == tool.st_ino)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(layer)/usr/bin/alias") == "tool")
        let binDirectory = try #require(Files.status("\(layer)/usr/bin"))
        #expect(binDirectory.st_mode & 0o7777 == 0o700)
        #expect(binDirectory.st_mtim.tv_sec == 1_500_000_000)
        let null = try #require(Files.status("\(layer)/dev/null"))
        #expect(null.st_mode & S_IFMT == S_IFCHR)
        #expect(deviceMajor(UInt64(null.st_rdev)) == 1 && deviceMinor(UInt64(null.st_rdev)) == 3)
        #expect(try #require(Files.status("\(layer)/run/fifo")).st_mode & S_IFMT == S_IFIFO)
        #expect(try Files.extendedAttributes("\(layer)/usr/bin/tool")["trusted.berth.test"] == Array("value".utf8))
    }

    @Test func ociWhiteoutsBecomeOverlayfsWhiteoutsAndOpaqueDirectories() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let layer = scratch.file("layer")
        try Files.makeDirectory(layer)
        let bytes = try TarBuilder.tar([
            TarBuilder.directory("etc/"),
            TarBuilder.file("etc/.wh.removed.conf", ""),
            TarBuilder.directory("var/cache/"),
            TarBuilder.file("var/cache/.wh..wh..opq", ""),
        ])
        try TarBuilder.unpack(bytes, into: layer)
        let whiteout = try #require(Files.status("\(layer)/etc/removed.conf"))
        #expect(whiteout.st_mode & S_IFMT == S_IFCHR)
        #expect(whiteout.st_rdev == 0)
        #expect(whiteout.st_uid == 0 && whiteout.st_gid == 0)
        #expect(Files.status("\(layer)/etc/.wh.removed.conf") == nil)
        #expect(try Files.extendedAttributes("\(layer)/var/cache")["trusted.overlay.opaque"] == Array("y".utf8))
        #expect(Files.status("\(layer)/var/cache/.wh..wh..opq") == nil)
    }

    @Test func longNamesRoundTripThroughPAXAndGNUHeaders() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let layer = scratch.file("layer")
        try Files.makeDirectory(layer)
        let deep = (0..<12).map { "directory-\($0)" }.joined(separator: "/")
        let longName = deep + "/" + String(repeating: "n", count: 120) + "-ünïcode"
        try TarBuilder.unpack(
            try TarBuilder.tar([TarBuilder.file(longName, "long"), TarBuilder.symlink("short", to: longName)]),
            into: layer)
        #expect(try Files.read("\(layer)/\(longName)") == "long")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(layer)/short") == longName)

        // GNU tar writes `L`/`K` long-name records: read what it produced.
        let source = scratch.file("gnu")
        try Files.makeDirectory("\(source)/\(deep)")
        try Files.write("\(source)/\(deep)/file-with-a-rather-long-name-for-the-gnu-format.txt", "gnu")
        let archive = scratch.file("gnu.tar")
        try Tool.succeed("/bin/tar", ["--format=gnu", "-C", source, "-cf", archive, "."])
        let gnuLayer = scratch.file("gnu-layer")
        try Files.makeDirectory(gnuLayer)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: archive)))
        try TarBuilder.unpack(bytes, into: gnuLayer)
        #expect(try Files.read("\(gnuLayer)/\(deep)/file-with-a-rather-long-name-for-the-gnu-format.txt") == "gnu")
    }

    @Test func gzipRoundTripsAndTruncatedGzipIsReported() throws {
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let sink = MemorySink()
        let gzip = try GzipOutputSink(sink)
        try payload.withUnsafeBytes { try gzip.write($0) }
        try gzip.finish()
        let inflated = try GzipInputStream(MemoryStream(sink.bytes)).readAll(limit: 1 << 20, what: "test")
        #expect(inflated == payload)
        let truncated = Array(sink.bytes.prefix(sink.bytes.count / 2))
        #expect {
            _ = try GzipInputStream(MemoryStream(truncated)).readAll(limit: 1 << 20, what: "test")
        } throws: { "\($0)".contains("truncated") }
    }

    @Test func corruptTarHeadersAreReportedAsMalformed() throws {
        var bytes = try TarBuilder.tar([TarBuilder.file("a", "b")])
        bytes[0] = UInt8(ascii: "z")
        #expect {
            try TarReader(MemoryStream(bytes)).next()
        } throws: { "\($0)".contains("header checksum mismatch") }
    }
}
