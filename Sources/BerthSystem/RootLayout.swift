/// Where everything lives under berth's root, in one place: the stores of containers,
/// projects, volumes, networks and images all build their paths from this, so the layout
/// is known once instead of by every module that reads a neighbour's files.
public struct RootLayout: Hashable, Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// The runtime's containers: `containers/<id>/` (config.json, state.json, logs).
    public var containers: String { "\(root)/containers" }
    public func container(_ id: String) -> String { "\(containers)/\(id)" }

    /// Project records: `projects/<name>/` (state.json, lock, events, daemon files).
    public var projects: String { "\(root)/projects" }
    public func project(_ name: String) -> String { "\(projects)/\(name)" }
    public func projectFile(_ project: String, _ file: String) -> String { "\(self.project(project))/\(file)" }

    /// Named volumes: `volumes/<name>/_data`.
    public var volumes: String { "\(root)/volumes" }
    public func volume(_ name: String) -> String { "\(volumes)/\(name)" }
    public func volumeData(_ name: String) -> String { "\(volume(name))/_data" }

    /// Anonymous volumes, one directory per container.
    public var anonymousVolumes: String { "\(root)/anonymous" }
    public func anonymousVolumes(container: String) -> String { "\(anonymousVolumes)/\(container)" }

    /// Pinned network namespaces, one file per container (named `berth-<container>`).
    public var networkNamespaces: String { "\(root)/netns" }
    public func networkNamespace(container: String) -> String { "\(networkNamespaces)/berth-\(container)" }

    /// Networks made with `berth network create`.
    public var hostNetworks: String { "\(root)/networks" }

    /// The image store.
    public var images: String { "\(root)/images" }
}
