import Foundation
import Testing

@testable import BerthImage

/// docker-archive and OCI archives produced by skopeo from an umoci-built layout.
@Suite struct ArchiveLoadTests {
    @Test func dockerArchiveLoadsWithItsRepoTagAndFiles() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.makeOCILayout(scratch.file("layout"), tag: "1", scratch: scratch.path)
        let archive = scratch.file("docker.tar")
        try Tool.succeed(
            "/usr/bin/skopeo",
            [
                "copy", "--quiet", "oci:\(scratch.file("layout")):1",
                "docker-archive:\(archive):example.com/team/busybox:1",
            ])
        let store = ImageStore(root: scratch.file("root"))
        let loaded = try store.load(from: archive)
        #expect(loaded.map(\.references) == [[try ImageReference(parsing: "example.com/team/busybox:1")]])
        let image = try store.image(for: try ImageReference(parsing: "example.com/team/busybox:1"))
        #expect(image.config.command == ["sh"])
        #expect(
            try Files.read("\(try #require(image.layerDirectories.last))/var/www/index.html") == "hello from berth\n")
        try store.verify(image)
    }

    @Test func ociArchiveAndLayoutDirectoryLoadTheSameManifest() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.makeOCILayout(scratch.file("layout"), tag: "1", scratch: scratch.path)
        let archive = scratch.file("oci.tar")
        try Tool.succeed(
            "/usr/bin/skopeo",
            ["copy", "--quiet", "oci:\(scratch.file("layout")):1", "oci-archive:\(archive):localhost/app:2"])
        let store = ImageStore(root: scratch.file("root"))
        let fromArchive = try store.load(from: archive)
        #expect(fromArchive.first?.references == [try ImageReference(parsing: "localhost/app:2")])
        // The umoci layout names only a tag: it loads unnamed, reachable by ID.
        let fromLayout = try store.load(from: scratch.file("layout"))
        #expect(fromLayout.first?.references == [])
        let archived = try #require(fromArchive.first?.image)
        let direct = try #require(fromLayout.first?.image)
        #expect(archived.id == direct.id)
        #expect(archived.layerDirectories == direct.layerDirectories)
        #expect(try store.image(matching: direct.id.shortID).id == direct.id)
    }

    @Test func fileThatIsNoImageArchiveIsRefusedWithTheReason() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let archive = scratch.file("plain.tar")
        try Data(try TarBuilder.tar([TarBuilder.file("hello.txt", "hi")])).write(to: URL(fileURLWithPath: archive))
        let store = ImageStore(root: scratch.file("root"))
        #expect { try store.load(from: archive) } throws: { "\($0)".contains("has neither manifest.json") }
    }
}
