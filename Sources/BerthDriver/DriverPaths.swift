/// Where the driver keeps a project's host-side objects under berth's root. Names of kernel
/// objects made from these (netns files) start with `berth-`.
public struct DriverPaths: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var netnsDirectory: String { "\(root)/netns" }
    public func networkNamespace(container: String) -> String { "\(netnsDirectory)/berth-\(container)" }
    public func volume(_ name: String) -> String { "\(root)/volumes/\(name)" }
    public func volumeData(_ name: String) -> String { "\(volume(name))/_data" }
    public func anonymousVolumes(container: String) -> String { "\(root)/anonymous/\(container)" }
    public func daemonLog(project: String) -> String { "\(root)/projects/\(project)/netd.log" }
}
