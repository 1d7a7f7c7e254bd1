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

extension ArchiveLoadTests {
    @Test func legacyDockerSaveLayoutWithSymlinkedLayersLoadsBothImages() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let layer = try TarBuilder.tar([TarBuilder.directory("etc/"), TarBuilder.file("etc/motd", "shared layer\n")])
        let diffID = Digest.of(layer)
        func config(_ command: String) -> [UInt8] {
            Array(
                #"{"architecture":"amd64","os":"linux","config":{"Cmd":["\#(command)"],"Env":null},"rootfs":{"type":"layers","diff_ids":["\#(diffID)"]}}"#
                    .utf8)
        }
        let first = config("first")
        let second = config("second")
        let manifest = """
            [{"Config":"\(Digest.of(first).hex).json","RepoTags":["first:1"],"Layers":["aaa/layer.tar"]},
             {"Config":"\(Digest.of(second).hex).json","RepoTags":["second:1"],"Layers":["bbb/layer.tar"]}]
            """
        let archive = try TarBuilder.tar([
            TarBuilder.directory("aaa/"),
            (TarEntry(path: "aaa/layer.tar", kind: .regular), layer),
            TarBuilder.directory("bbb/"),
            TarBuilder.symlink("bbb/layer.tar", to: "../aaa/layer.tar"),
            (TarEntry(path: "\(Digest.of(first).hex).json", kind: .regular), first),
            (TarEntry(path: "\(Digest.of(second).hex).json", kind: .regular), second),
            TarBuilder.file("manifest.json", manifest),
            TarBuilder.file("repositories", "{}"),
        ])
        try Data(archive).write(to: URL(fileURLWithPath: scratch.file("save.tar")))
        let store = ImageStore(root: scratch.file("root"))
        let loaded = try store.load(from: scratch.file("save.tar"))
        #expect(loaded.count == 2)
        let one = try store.image(matching: "first:1")
        let two = try store.image(matching: "second:1")
        #expect(one.config.command == ["first"])
        #expect(two.config.command == ["second"])
        #expect(one.id == Digest.of(first))
        #expect(one.layerDirectories == two.layerDirectories)
        #expect(try Files.read("\(try #require(two.layerDirectories.first))/etc/motd") == "shared layer\n")
    }
}
