import BerthState

/// The other projects' network daemons on networks made with `berth network create`. One of
/// them serves such a network's DNS for everybody, so a project that changes its containers
/// there (or whose daemon gives the network up) signals them to re-read at once instead of on
/// their next one-second pass.
struct SharedNetworkPeers {
    let root: String
    let project: String

    func nudge() {
        let hosts = HostNetworkStore(root: root)
        let shared = Set(hosts.list().map(\.name))
        guard !shared.isEmpty else { return }
        let store = StateStore(root: root)
        for other in store.projects() where other != project {
            guard let state = try? store.load(project: other), let pid = state.networkDaemonPid else { continue }
            let onShared = state.containers.contains { container in
                (container.details?.attachments ?? []).contains { shared.contains($0.network) }
            }
            guard onShared else { continue }
            let control = NetworkDaemonControl(root: root, project: other)
            if control.isRunning(pid: pid) { control.reload(pid: pid) }
        }
    }
}
