import BerthEngine
import BerthNetwork
import BerthPlan
import BerthRuntime
import BerthState
import Foundation

extension LinuxDriver {
    /// The project's records checked against the kernel: a record whose object is gone or
    /// half made is reported so the planner repairs it instead of trusting the record.
    public func observe() async throws -> ObservedState {
        let directory = state.projectDirectory
        state = try store.load(project: project) ?? ProjectState(name: project)
        if !directory.isEmpty { state.projectDirectory = directory }
        let netlink = try RouteNetlink()
        let containers = state.containers.map { record in
            let details = record.details
            return ObservedContainer(
                name: record.name, service: record.service, replica: record.replica,
                state: record.phase == .created ? containerState(record) : .dead,
                health: health(record),
                definition: Definition(record.definition.map { Definition.Field(path: $0.path, value: $0.value) }),
                contentDigests: Dictionary(
                    record.contentDigests.compactMap { key, value in
                        ContentKey(storageKey: key).map { ($0, value) }
                    }, uniquingKeysWith: { a, _ in a }),
                dependsOn: details?.dependsOn ?? [], networks: details?.networks ?? [],
                volumes: details?.volumes ?? [])
        }
        let networks = try state.networks.map { record in
            let link = try netlink.linkIfPresent(named: record.bridge)
            let present = record.phase == .created && link != nil
            return ObservedNetwork(
                name: record.name,
                definition: Definition(record.definition.map { Definition.Field(path: $0.path, value: $0.value) }),
                presentInKernel: present)
        }
        let volumes = state.volumes.map { record in
            ObservedVolume(
                name: record.name,
                definition: Definition(record.definition.map { Definition.Field(path: $0.path, value: $0.value) }),
                present: record.phase == .created && FileManager.default.fileExists(atPath: record.path))
        }
        // External volumes are never recorded (the stack does not own them); the planner
        // still needs to know whether they exist.
        let recorded = Set(state.volumes.map(\.name))
        let external = (topology?.volumes ?? []).filter { $0.external && !recorded.contains($0.name) }.map {
            ObservedVolume(
                name: $0.name, definition: Definition(),
                present: FileManager.default.fileExists(atPath: paths.volumeData($0.name)))
        }
        let daemon = NetworkDaemonControl(root: paths.root, project: project)
        let daemonDown = daemon.isDown(
            pid: state.networkDaemonPid, containers: state.containers.count, networks: state.networks.count)
        return ObservedState(
            containers: containers, networks: networks, volumes: volumes + external,
            networkDaemonDown: daemonDown ? paths.daemonLog(project: project) : nil)
    }

    private func containerState(_ record: ContainerRecord) -> BerthPlan.ContainerState {
        guard let current = try? runtime.state(id: record.runtimeID) else { return .dead }
        switch current.status {
        case .created: return .created
        case .running, .restarting: return .running
        case .exited:
            if current.error?.hasPrefix("supervisor") == true && current.finishedAt == nil { return .processMissing }
            if current.stoppedByUser { return .stopped }
            return .exited(code: current.exitCode ?? -1)
        }
    }

    private func health(_ record: ContainerRecord) -> Health {
        guard let current = try? runtime.state(id: record.runtimeID), current.status == .running else { return .none }
        switch current.health {
        case .starting: return .starting
        case .healthy: return .healthy
        case .unhealthy: return .unhealthy
        case nil: return .none
        }
    }
}
