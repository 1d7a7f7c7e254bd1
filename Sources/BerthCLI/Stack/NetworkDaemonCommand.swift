import ArgumentParser
import BerthDriver

#if canImport(Glibc)
    import Glibc
#endif

/// `berth __netd`: the per-project DNS and port-proxy daemon, started detached by the
/// commands that change a project. Not for people to run.
struct NetworkDaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "__netd", abstract: "berth's per-project network daemon (internal).", shouldDisplay: false)

    @Option var root: String
    @Option var project: String

    /// Started by `berth-supervisor netd`, which restarts it when it dies.
    func run() throws {
        Glibc.exit(NetworkDaemon(root: root, project: project).run())
    }
}
