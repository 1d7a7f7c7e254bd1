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
    /// Run the daemon itself; without it this process is the daemon's supervisor.
    @Flag var worker = false

    func run() throws {
        if worker { Glibc.exit(NetworkDaemon(root: root, project: project).run()) }
        Glibc.exit(
            NetworkDaemonSupervisor(root: root, project: project, executable: StackContext.executable).run())
    }
}
