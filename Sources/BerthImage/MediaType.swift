/// The media types berth reads; anything else is refused by name.
enum MediaType {
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let ociConfig = "application/vnd.oci.image.config.v1+json"
    static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    static let ociNondistributableLayer = "application/vnd.oci.image.layer.nondistributable.v1.tar"
    static let ociNondistributableLayerGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    static let dockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws"

    static let manifests: Set<String> = [ociManifest, dockerManifest]
    static let indexes: Set<String> = [ociIndex, dockerManifestList]
    static let layers: Set<String> = [
        ociLayer, ociLayerGzip, ociLayerZstd, ociNondistributableLayer, ociNondistributableLayerGzip, dockerLayerGzip,
        dockerForeignLayerGzip,
    ]

    /// Refuses layer types berth cannot unpack, before any download starts.
    static func checkLayer(_ type: String, digest: Digest) throws(ImageError) {
        if layers.contains(type) { return }
        throw ImageError.unsupportedMediaType(type, what: "layer \(digest)")
    }
}
