import BerthSystem
import Foundation
import Testing

@testable import BerthImage

/// Each way a hostile layer could write outside its directory is refused, naming the entry.
@Suite struct TarAttackTests {
    private func expectRefused(_ entries: [(TarEntry, [UInt8])], entry: String, reason: String) throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let layer = scratch.file("layer")
        try Files.makeDirectory(layer)
        let bytes = try TarBuilder.tar(entries)
        #expect {
            try TarBuilder.unpack(bytes, into: layer)
        } throws: { error in
            let text = "\(error)"
            return text.contains("refusing tar entry \"\(entry)\"") && text.contains(reason)
        }
        #expect(Files.status(scratch.file("evil")) == nil)
        #expect(Files.status(scratch.file("passwd")) == nil)
    }

    @Test func dotDotEntryThatClimbsOutOfTheLayerIsRefused() throws {
        try expectRefused([TarBuilder.file("../evil", "x")], entry: "../evil", reason: "escapes the layer directory")
        try expectRefused(
            [TarBuilder.file("a/../../evil", "x")], entry: "a/../../evil", reason: "escapes the layer directory")
    }

    @Test func absolutePathsAreNormalisedIntoTheLayer() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let layer = scratch.file("layer")
        try Files.makeDirectory(layer)
        try TarBuilder.unpack(try TarBuilder.tar([TarBuilder.file("/etc/berth-absolute", "inside")]), into: layer)
        #expect(try Files.read("\(layer)/etc/berth-absolute") == "inside")
        #expect(Files.status("/etc/berth-absolute") == nil)
    }

    @Test func writingThroughASymlinkPlantedByAnEarlierEntryIsRefused() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try expectRefused(
            [TarBuilder.symlink("link", to: scratch.path), TarBuilder.file("link/evil", "x")], entry: "link/evil",
            reason: "path component \"link\" is a symbolic link")
        try expectRefused(
            [TarBuilder.symlink("up", to: "../.."), TarBuilder.directory("up/evil")], entry: "up/evil/",
            reason: "path component \"up\" is a symbolic link")
    }

    @Test func replacingASymlinkWithAFileDoesNotWriteToItsTarget() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let layer = scratch.file("layer")
        try Files.makeDirectory(layer)
        try Files.write(scratch.file("victim"), "original")
        try TarBuilder.unpack(
            try TarBuilder.tar([
                TarBuilder.symlink("victim", to: scratch.file("victim")), TarBuilder.file("victim", "replaced"),
            ]),
            into: layer)
        #expect(try Files.read(scratch.file("victim")) == "original")
        #expect(try Files.read("\(layer)/victim") == "replaced")
    }

    @Test func hardLinkToAFileOutsideTheLayerIsRefused() throws {
        try expectRefused(
            [TarBuilder.hardlink("passwd", to: "../../../../etc/passwd")], entry: "passwd",
            reason: "escapes the layer directory")
        try expectRefused(
            [TarBuilder.hardlink("passwd", to: "/etc/passwd")], entry: "passwd",
            reason: "does not exist in this layer")
    }

    @Test func hardLinkThroughASymlinkedDirectoryIsRefused() throws {
        try expectRefused(
            [TarBuilder.symlink("etc", to: "/etc"), TarBuilder.hardlink("passwd", to: "etc/passwd")], entry: "passwd",
            reason: "path component \"etc\" is a symbolic link")
    }

    @Test func whiteoutThroughASymlinkIsRefused() throws {
        try expectRefused(
            [TarBuilder.symlink("tmp", to: "/tmp"), TarBuilder.file("tmp/.wh.victim", "")], entry: "tmp/.wh.victim",
            reason: "path component \"tmp\" is a symbolic link")
    }
}
