import Foundation
import Synchronization
import Testing

@testable import BerthImage

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Pulls from Debian's docker-registry started on 127.0.0.1 by each test; images pushed with
/// skopeo from OCI layouts built by umoci.
@Suite(.serialized) struct RegistryPullTests {
    @Test func pulledImageHasItsFilesConfigAndManifestDigest() async throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let registry = try LocalRegistry()
        defer { registry.stop() }
        try SampleRootfs.makeOCILayout(scratch.file("layout"), tag: "1", scratch: scratch.path)
        try registry.push(layout: scratch.file("layout"), tag: "1", as: "busybox:1")
        let expectedDigest = try Tool.succeed(
            "/usr/bin/skopeo",
            ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://\(registry.host)/busybox:1"]
        ).trimmingCharacters(in: .whitespacesAndNewlines)

        let events = Mutex<[PullEvent]>([])
        let store = ImageStore(root: scratch.file("root"))
        let reference = try ImageReference(parsing: "\(registry.host)/busybox:1")
        let image = try await store.pull(
            reference, options: PullOptions(progress: { event in events.withLock { $0.append(event) } }))
        #expect(image.manifestDigest.description == expectedDigest)
        #expect(image.config.command == ["sh"])
        #expect(image.config.environment.contains("GREETING=hello"))
        #expect(image.config.workingDirectory == "/var/www")
        #expect(image.config.exposedPorts == [ExposedPort(port: 8080)])
        #expect(image.config.labels["org.example"] == "yes")
        let top = try #require(image.layerDirectories.last)
        #expect(try Files.read("\(top)/var/www/index.html") == "hello from berth\n")
        #expect(Files.status("\(top)/bin/busybox") != nil)
        #expect(events.withLock { $0.contains { if case .layerDownloaded = $0 { true } else { false } } })
        try store.verify(image)

        // By digest, the same manifest is found without contacting anything new.
        let byDigest = try ImageReference(parsing: "\(registry.host)/busybox@\(expectedDigest)")
        #expect(try store.image(for: byDigest).manifestDigest == image.manifestDigest)
        // Pulling again finds every layer stored.
        events.withLock { $0.removeAll() }
        _ = try await store.pull(
            byDigest, options: PullOptions(progress: { event in events.withLock { $0.append(event) } }))
        #expect(events.withLock { $0.allSatisfy { if case .layerStarted = $0 { false } else { true } } })
        #expect(try await store.ensure(reference, policy: .missing).manifestDigest == image.manifestDigest)
    }

    @Test func multiPlatformIndexResolvesToLinuxAmd64() async throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let registry = try LocalRegistry()
        defer { registry.stop() }
        try SampleRootfs.makeOCILayout(scratch.file("layout"), tag: "1", scratch: scratch.path)
        try registry.push(layout: scratch.file("layout"), tag: "1", as: "single:1")
        let amd64 = try Tool.succeed(
            "/usr/bin/skopeo", ["inspect", "--tls-verify=false", "--raw", "docker://\(registry.host)/single:1"])
        let amd64Digest = Digest.of(Array(amd64.utf8))
        // Hand-write an index with an arm64 decoy (pointing at the same manifest) and push it as a blob-backed manifest.
        let index = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(amd64Digest)","size":\(amd64.utf8.count),"platform":{"architecture":"arm64","os":"linux"}},\
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(amd64Digest)","size":\(amd64.utf8.count),"platform":{"architecture":"amd64","os":"linux"}}]}
            """
        var request = URLRequest(url: try #require(URL(string: "http://\(registry.host)/v2/single/manifests/multi")))
        request.httpMethod = "PUT"
        request.setValue("application/vnd.oci.image.index.v1+json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(index.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)

        let store = ImageStore(root: scratch.file("root"))
        let image = try await store.pull(try ImageReference(parsing: "\(registry.host)/single:multi"))
        #expect(image.manifestDigest == amd64Digest)
    }

    @Test func missingTagIsReportedAsNotFound() async throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let registry = try LocalRegistry()
        defer { registry.stop() }
        let store = ImageStore(root: scratch.file("root"))
        await #expect {
            try await store.pull(try ImageReference(parsing: "\(registry.host)/nothing:here"))
        } throws: { "\($0)".contains("not found on \(registry.host) (HTTP 404)") }
        #expect(try store.list().isEmpty)
    }

    @Test func zstdLayersAreRefusedNamingTheMediaType() async throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let registry = try LocalRegistry()
        defer { registry.stop() }
        try SampleRootfs.makeOCILayout(scratch.file("layout"), tag: "1", scratch: scratch.path)
        try registry.push(
            layout: scratch.file("layout"), tag: "1", as: "zstd:1",
            extra: ["--dest-compress-format", "zstd", "--dest-compress"])
        let store = ImageStore(root: scratch.file("root"))
        await #expect {
            try await store.pull(try ImageReference(parsing: "\(registry.host)/zstd:1"))
        } throws: { "\($0)".contains("application/vnd.oci.image.layer.v1.tar+zstd") }
    }
}
