import BerthSystem
import Foundation

/// Supervision of the project's network daemon: started when the project first has
/// something to serve, signalled when it changes, stopped when it is empty. Starting and
/// stopping wait on processes, so they run off the actor.
extension LinuxDriver {
    /// Makes the project's network daemon pick up the change: a SIGHUP if it runs, a new
    /// daemon if it died (or never ran) while the project has containers.
    func refreshDaemon() async {
        guard let daemonExecutable else { return }
        defer { SharedNetworkPeers(root: paths.root, project: project).nudge() }
        let control = NetworkDaemonControl(root: paths.root, project: project)
        if state.containers.isEmpty && state.networks.isEmpty {
            if let pid = state.networkDaemonPid {
                state.networkDaemonPid = nil
                try? save()
                _ = try? await offCooperativePool {
                    control.stop(pid: pid)
                    control.removeFiles()
                }
            }
            return
        }
        if let pid = state.networkDaemonPid, control.isRunning(pid: pid) {
            control.reload(pid: pid)
            return
        }
        if let starting = daemonStart {
            _ = await starting.value
            return
        }
        let starting = Task<Int32?, Never> {
            do {
                return try await offCooperativePool { try control.start(executable: daemonExecutable) }
            } catch {
                FileHandle.standardError.write(Data("warning: cannot start berth's network daemon: \(error)\n".utf8))
                return nil
            }
        }
        daemonStart = starting
        let pid = await starting.value
        daemonStart = nil
        guard let pid else { return }
        state.networkDaemonPid = pid
        try? save()
    }

    /// Called once at the end of a command that changed the project: the daemon runs and
    /// serves what the project record says before the command returns.
    public func ensureDaemon() async {
        await refreshDaemon()
        if let pid = state.networkDaemonPid {
            let control = NetworkDaemonControl(root: paths.root, project: project)
            _ = try? await offCooperativePool { control.synchronize(pid: pid) }
        }
    }
}
