/// The `up`/`down` flags that change what a plan contains.
public struct PlanOptions: Hashable, Sendable {
    /// `--force-recreate`: recreate in-scope containers even when nothing changed.
    public var forceRecreate: Bool
    /// `--no-recreate`: never recreate for a configuration change (drift that leaves a
    /// container unusable is still repaired).
    public var noRecreate: Bool
    /// `up web db`: the services asked for; empty means all.
    public var services: [String]
    /// `--no-deps`: only the services asked for, not their dependencies.
    public var noDeps: Bool
    /// `--remove-orphans`: remove containers of services no longer in the configuration.
    public var removeOrphans: Bool
    /// `down --volumes`: also remove the project's (non-external) volumes.
    public var removeVolumes: Bool
    /// `--scale web=3`: overrides `replicas`.
    public var scale: [String: Int]
    /// `--no-start`: create containers but leave them stopped.
    public var noStart: Bool

    public init(
        forceRecreate: Bool = false, noRecreate: Bool = false, services: [String] = [], noDeps: Bool = false,
        removeOrphans: Bool = false, removeVolumes: Bool = false, scale: [String: Int] = [:], noStart: Bool = false
    ) {
        self.forceRecreate = forceRecreate
        self.noRecreate = noRecreate
        self.services = services
        self.noDeps = noDeps
        self.removeOrphans = removeOrphans
        self.removeVolumes = removeVolumes
        self.scale = scale
        self.noStart = noStart
    }
}
