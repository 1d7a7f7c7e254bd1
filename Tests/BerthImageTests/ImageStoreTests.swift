import BerthSystem
import Foundation
import Synchronization
import Testing

@testable import BerthImage

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ImageStoreTests {
    @Test func importedDirectoryBecomesAOneLayerImageWithItsChanges() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.make(at: scratch.file("rootfs"))
        let store = ImageStore(root: scratch.file("root"))
        var changes: [ImageChange] = []
        for text in [
            #"CMD ["sh", "-c", "echo hi"]"#, "ENV A=1 B=two", "WORKDIR /var/www", "USER nobody", "EXPOSE 80 53/udp",
            "ENTRYPOINT /bin/init",
        ] {
            changes += try ImageChange.parse(text)
        }
        let imported = try store.importRootfs(
            from: scratch.file("rootfs"), as: [try ImageReference(parsing: "sample:1")], changes: changes)
        let image = try store.image(for: try ImageReference(parsing: "docker.io/library/sample:1"))
        #expect(image.manifestDigest == imported.manifestDigest)
        #expect(image.config.command == ["sh", "-c", "echo hi"])
        #expect(image.config.entrypoint == ["/bin/sh", "-c", "/bin/init"])
        #expect(image.config.environment == ["A=1", "B=two"])
        #expect(image.config.workingDirectory == "/var/www")
        #expect(image.config.user == "nobody")
        #expect(image.config.exposedPorts == [ExposedPort(port: 53, transport: .udp), ExposedPort(port: 80)])
        #expect(image.layerDirectories.count == 1)
        let layer = try #require(image.layerDirectories.first)
        #expect(try Files.read("\(layer)/var/www/index.html") == "hello from berth\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(layer)/bin/sh") == "busybox")
        let passwd = try #require(Files.status("\(layer)/etc/passwd"))
        #expect(passwd.st_nlink == 2)
        #expect(layer.hasPrefix(scratch.file("root/images/layers/")))
        #expect(try store.image(matching: image.id.shortID).manifestDigest == image.manifestDigest)
        try store.verify(image)
    }

    @Test func volumeLabelStopSignalAndHealthcheckChangesReachTheStoredConfig() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.make(at: scratch.file("rootfs"))
        let store = ImageStore(root: scratch.file("root"))
        var changes: [ImageChange] = []
        for text in [
            "VOLUME /data", #"VOLUME ["/cache", "/logs"]"#, #"LABEL org.example.tier=web note="hi""#,
            "STOPSIGNAL SIGINT", "HEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD wget -q localhost",
        ] {
            changes += try ImageChange.parse(text)
        }
        _ = try store.importRootfs(
            from: scratch.file("rootfs"), as: [try ImageReference(parsing: "sample:2")], changes: changes)
        let config = try store.image(for: try ImageReference(parsing: "docker.io/library/sample:2")).config
        #expect(config.volumes == ["/cache", "/data", "/logs"])
        #expect(config.labels == ["org.example.tier": "web", "note": "hi"])
        #expect(config.stopSignal == "SIGINT")
        #expect(
            config.healthcheck
                == Healthcheck(
                    test: .shell("wget -q localhost"), interval: .seconds(90), timeout: .milliseconds(500), retries: 3))
        #expect(try ImageChange.parse("HEALTHCHECK NONE") == [.healthcheck(Healthcheck(test: .disabled))])
        #expect(
            try ImageChange.parse(#"HEALTHCHECK CMD ["true"]"#) == [.healthcheck(Healthcheck(test: .command(["true"])))]
        )
    }

    @Test func unsupportedChangesAreRefusedNamingTheInstruction() {
        #expect { try ImageChange.parse("ONBUILD RUN true") } throws: {
            "\($0)".contains("ONBUILD is not supported")
        }
        #expect { try ImageChange.parse("VOLUME data") } throws: { "\($0)".contains("must be absolute") }
        #expect { try ImageChange.parse("HEALTHCHECK --interval=soon CMD true") } throws: {
            "\($0)".contains("--interval value \"soon\" is not a positive duration")
        }
        #expect { try ImageChange.parse("STOPSIGNAL SIGINT SIGTERM") } throws: { "\($0)".contains("one signal") }
        #expect { try ImageChange.parse("RUN rm -rf /") } throws: {
            "\($0)".contains("unsupported instruction \"RUN\"")
        }
        #expect { try ImageChange.parse("WORKDIR relative") } throws: { "\($0)".contains("absolute") }
        #expect { try ImageChange.parse(#"CMD ["sh""#) } throws: { "\($0)".contains("JSON array") }
        #expect { try ImageChange.parse("EXPOSE http") } throws: { "\($0)".contains("\"http\"") }
    }

    @Test func sameRootfsImportedTwiceSharesOneLayerDirectory() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.make(at: scratch.file("rootfs"))
        let store = ImageStore(root: scratch.file("root"))
        let first = try store.importRootfs(from: scratch.file("rootfs"), as: [try ImageReference(parsing: "one")])
        let second = try store.importRootfs(from: scratch.file("rootfs"), as: [try ImageReference(parsing: "two")])
        #expect(first.layerDirectories == second.layerDirectories)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("root/images/layers")).count == 1)
        #expect(try store.list().count == 2)
    }

    @Test func flippedByteInAStoredLayerBlobIsDetectedByVerifyAndUnpack() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.make(at: scratch.file("rootfs"))
        let store = ImageStore(root: scratch.file("root"))
        let image = try store.importRootfs(
            from: scratch.file("rootfs"), as: [try ImageReference(parsing: "corrupt")],
            compression: LayerCompression.none)
        let manifest = try store.loadManifest(image.manifestDigest)
        let layer = try #require(manifest.layers.first)
        let blobPath = store.blobs.path(layer.digest)
        let file = try FileDescriptor.open(blobPath, O_RDWR)
        try file.seek(to: 700)
        var byte: [UInt8] = [0]
        _ = try byte.withUnsafeMutableBytes { try file.read(into: $0) }
        byte[0] ^= 0x20
        try file.seek(to: 700)
        try file.writeAll(byte)
        file.close()
        #expect { try store.verify(image) } throws: { error in
            "\(error)".contains("layer blob \(layer.digest) is corrupt")
        }
        let target = "\(scratch.path)/unpack"
        try Files.makeDirectory(target)
        #expect { try store.unpack(layer, into: target) } throws: { error in
            "\(error)".contains("layer blob \(layer.digest) is corrupt: expected digest \(layer.digest)")
        }
    }

    @Test func removingAnImageAContainerUsesIsRefusedUnlessForced() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.make(at: scratch.file("rootfs"))
        let used = Mutex<Set<Digest>>([])
        let store = ImageStore(root: scratch.file("root")) { digest in used.withLock { $0.contains(digest) } }
        let image = try store.importRootfs(
            from: scratch.file("rootfs"),
            as: [try ImageReference(parsing: "app:1"), try ImageReference(parsing: "app:2")])
        used.withLock { _ = $0.insert(image.manifestDigest) }
        // Another name still points at the image: untagging is fine.
        try store.remove("app:1")
        #expect { try store.remove("app:2") } throws: { "\($0)".contains("is used by a container") }
        #expect(try store.image(matching: "app:2").manifestDigest == image.manifestDigest)
        let result = try store.remove("app:2", force: true)
        #expect(result.removedReferences == ["docker.io/library/app:2"])
        #expect(result.removedLayers == 1)
        #expect(result.removedBlobs == 3)
        #expect(try store.list().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("root/images/blobs/sha256")).isEmpty)
    }

    @Test func pruneRemovesUnreferencedBlobsLayersAndUnnamedImages() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.make(at: scratch.file("rootfs"))
        let store = ImageStore(root: scratch.file("root"))
        let kept = try store.importRootfs(from: scratch.file("rootfs"), as: [try ImageReference(parsing: "kept")])
        try Files.write(scratch.file("rootfs/extra"), "different layer")
        _ = try store.importRootfs(from: scratch.file("rootfs"), as: [])
        try store.blobs.write(Array("stray".utf8), expected: nil, what: "stray")
        #expect(try store.list().count == 2)
        let result = try store.prune()
        #expect(result.removedReferences.count == 1)
        #expect(result.removedLayers == 1)
        #expect(result.removedBlobs == 4)
        #expect(try store.list().map(\.manifestDigest) == [kept.manifestDigest])
        try store.verify(try store.image(matching: "kept"))
    }

    @Test func interruptedLoadLeavesNeitherAHalfImageNorACorruptIndex() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.makeOCILayout(scratch.file("layout"), tag: "1", scratch: scratch.path)
        let store = ImageStore(root: scratch.file("root"))
        let existing = try store.importRootfs(
            from: scratch.file("rootfs-1"), as: [try ImageReference(parsing: "existing")])
        // Corrupt one layer blob in the layout: the load must fail before naming anything.
        let index = try JSON.decode(
            ManifestIndex.self,
            from: Array(try Data(contentsOf: URL(fileURLWithPath: scratch.file("layout/index.json")))), what: "index")
        let manifestDigest = try #require(index.manifests.first).digest
        let manifest = try JSON.decode(
            Manifest.self,
            from: Array(
                try Data(contentsOf: URL(fileURLWithPath: scratch.file("layout/blobs/sha256/\(manifestDigest.hex)")))),
            what: "manifest")
        let layer = try #require(manifest.layers.last)
        var bytes = Array(
            try Data(contentsOf: URL(fileURLWithPath: scratch.file("layout/blobs/sha256/\(layer.digest.hex)"))))
        bytes[bytes.count / 2] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: scratch.file("layout/blobs/sha256/\(layer.digest.hex)")))
        try Tool.succeed("/usr/bin/umoci", ["tag", "--image", "\(scratch.file("layout")):1", "localhost/broken:1"])
        #expect { try store.load(from: scratch.file("layout")) } throws: { error in
            "\(error)".contains("is corrupt") && "\(error)".contains(layer.digest.hex)
        }
        #expect(try store.list().map(\.manifestDigest) == [existing.manifestDigest])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("root/images/tmp")).isEmpty)
    }

    @Test func pullPolicyNeverReportsAMissingImage() async throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let store = ImageStore(root: scratch.file("root"))
        await #expect {
            try await store.ensure(try ImageReference(parsing: "localhost:1/absent"), policy: .never)
        } throws: { "\($0)".contains("pull_policy is never") }
    }
}

extension ImageStoreTests {
    @Test func missingLayerDirectoryIsReportedWhenTheRuntimeAsksForTheImage() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try SampleRootfs.make(at: scratch.file("rootfs"))
        let store = ImageStore(root: scratch.file("root"))
        let image = try store.importRootfs(from: scratch.file("rootfs"), as: [try ImageReference(parsing: "gone")])
        try TreeRemover(root: scratch.path).remove(try #require(image.layerDirectories.first))
        #expect {
            try store.image(for: try ImageReference(parsing: "gone"))
        } throws: { error in
            "\(error)".contains("is not unpacked at") && "\(error)".contains("load or pull it again")
        }
    }
}
