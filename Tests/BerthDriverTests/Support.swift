import BerthDriver
import BerthModel
import BerthStackFile
import Testing

@testable import BerthImage

/// The one service of a stack written as YAML, validated the way `berth up` validates it.
func service(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Service {
    let root = try #require(try YAMLReader.parse(yaml, file: "compose.yaml"), sourceLocation: sourceLocation)
    let stack = LoadedStack(
        projectName: "demo", projectDirectory: "/proj", files: ["/proj/compose.yaml"], root: root, environment: [:],
        activeProfiles: [], sources: ["compose.yaml": yaml], warnings: [])
    let result = TopologyBuilder.build(stack)
    let topology = try #require(
        result.topology, "\(result.diagnostics.map(\.description))", sourceLocation: sourceLocation)
    return try #require(topology.services.first, sourceLocation: sourceLocation)
}

/// A stored image with `config`, as the image store would hand it over.
func image(_ config: ImageConfig) throws -> StoredImage {
    let digest = Digest.of(Array("berth-test-image".utf8))
    return StoredImage(
        reference: nil, manifestDigest: digest, id: digest, config: config, layerDirectories: ["/layers/0"], size: 0)
}

/// The container spec berth runs for `service` on `image`, one network, no volumes.
func containerSpec(_ service: Service, _ image: StoredImage) throws -> ServiceSpecBuilder {
    ServiceSpecBuilder(
        service: service, image: image, project: "demo", replica: 1, containerName: "demo-web-1", endpoints: [],
        volumePaths: [:], anonymousVolumeDirectory: "/anon/demo-web-1", networkNamespacePath: "/netns/berth-demo-web-1")
}
