import ArgumentParser

/// Where berth keeps its state (images, containers, volumes). Every command that touches
/// state takes it, so tests can run against a temporary directory.
public struct RootOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("berth's state directory (env: BERTH_ROOT).", valueName: "dir"))
    var root: String?

    public init() {}

    /// `--root`, else BERTH_ROOT, else /var/lib/berth.
    public func resolvedRoot(environment: [String: String]) -> String {
        if let root, !root.isEmpty { return root }
        if let env = environment["BERTH_ROOT"], !env.isEmpty { return env }
        return "/var/lib/berth"
    }
}
