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
    /// Holds the daemon's pid once its SIGHUP handler is installed; signalling it earlier
    /// would kill it.
    public func daemonReady(project: String) -> String { "\(root)/projects/\(project)/netd.ready" }
    /// A command's sync request token, and the token of the last request the daemon applied.
    public func daemonRequest(project: String) -> String { "\(root)/projects/\(project)/netd.request" }
    public func daemonApplied(project: String) -> String { "\(root)/projects/\(project)/netd.applied" }
    public func daemonLog(project: String) -> String { "\(root)/projects/\(project)/netd.log" }
}
