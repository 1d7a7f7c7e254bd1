import BerthFirewall
import BerthSystem
import Foundation

/// Supervision of the project's network daemon: started when the project first has
/// something to serve, stopped when it is empty. Starting and stopping wait on processes, so
/// they run off the actor. The daemon re-reads the whole project on each signal, so a
/// command tells it once at its end (`ensureDaemon`), and in between only when containers
/// start, a burst of starts folded into one signal: their names are served while the rest of
/// the stack comes up. Stopping or removing a container that publishes ports signals at once,
/// so its ports are released; other stops and removals wait for the end (or the daemon's
/// own pass).
extension LinuxDriver {
    /// How long a signal for a started container waits for more starts to fold in.
    static let daemonSignalDelay = Duration.milliseconds(20)

    /// Signals the daemon (starting it when needed) shortly after a container started.
    func daemonShouldServeNewContainer() async {
        guard daemonExecutable != nil else { return }
        if state.networkDaemonPid == nil || daemonStart != nil {
            // No daemon yet: start it now, the first container's names are needed at once.
            await refreshDaemon()
            return
        }
        guard !daemonSignalPending else { return }
        daemonSignalPending = true
        Task {
            try? await Task.sleep(for: Self.daemonSignalDelay)
            await self.sendPendingDaemonSignal()
        }
    }

    private func sendPendingDaemonSignal() async {
        guard daemonSignalPending else { return }
        daemonSignalPending = false
        await refreshDaemon()
    }

    /// Makes the project's network daemon pick up the change: a SIGHUP if it runs, a new
    /// daemon if it died (or never ran) while the project has containers.
    func refreshDaemon() async {
        guard let daemonExecutable else { return }
        defer { SharedNetworkPeers(root: paths.root, project: project).nudge() }
        let control = NetworkDaemonControl(root: paths.root, project: project)
        if state.containers.isEmpty && state.networks.isEmpty {
            let root = paths.root
            let project = self.project
            _ = try? await offCooperativePool { NetworkFirewall.unpublish(root: root, project: project) }
            if let pid = state.networkDaemonPid {
                state.networkDaemonPid = nil
                try? await save()
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
        try? await save()
    }

    /// Called once at the end of a command that changed the project: the daemon runs and
    /// serves what the project record says before the command returns.
    /// A running daemon is left alone when this command changed nothing (a no-op `up`).
    public func ensureDaemon() async {
        guard daemonExecutable != nil else { return }
        daemonSignalPending = false  // the synchronisation below covers it
        let control = NetworkDaemonControl(root: paths.root, project: project)
        let serving = !(state.containers.isEmpty && state.networks.isEmpty)
        if serving, let pid = state.networkDaemonPid, control.isRunning(pid: pid) {
            guard servingChanged else { return }
            _ = try? await offCooperativePool { control.synchronize(pid: pid) }
            SharedNetworkPeers(root: paths.root, project: project).nudge()
            return
        }
        await refreshDaemon()
        if let pid = state.networkDaemonPid {
            _ = try? await offCooperativePool { control.synchronize(pid: pid) }
        }
    }
}
