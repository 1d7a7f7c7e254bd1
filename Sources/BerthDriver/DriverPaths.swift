import BerthSystem

/// Where the driver keeps a project's host-side objects under berth's root, as `RootLayout`
/// places them. Names of kernel objects made from these (netns files) start with `berth-`.
public struct DriverPaths: Sendable {
    public let layout: RootLayout
    public var root: String { layout.root }

    public init(root: String) { self.layout = RootLayout(root: root) }

    public var netnsDirectory: String { layout.networkNamespaces }
    public func networkNamespace(container: String) -> String { layout.networkNamespace(container: container) }
    public func volume(_ name: String) -> String { layout.volume(name) }
    public func volumeData(_ name: String) -> String { layout.volumeData(name) }
    public func anonymousVolumes(container: String) -> String { layout.anonymousVolumes(container: container) }
    /// Holds the daemon's pid once its SIGHUP handler is installed; signalling it earlier
    /// would kill it.
    public func daemonReady(project: String) -> String { layout.projectFile(project, "netd.ready") }
    /// A command's sync request token, and the token of the last request the daemon applied.
    public func daemonRequest(project: String) -> String { layout.projectFile(project, "netd.request") }
    public func daemonApplied(project: String) -> String { layout.projectFile(project, "netd.applied") }
    public func daemonLog(project: String) -> String { layout.projectFile(project, "netd.log") }
}
