import BerthDriver
import BerthRuntime
import BerthState

/// A project berth has state for (`berth ls`).
public struct ProjectSummary: Hashable, Sendable {
    public var name: String
    public var running: Int
    public var containers: Int
    public var directory: String
}

extension LinuxHost {
    /// Every project with a state record, with how many of its containers run.
    public func projects() throws -> [ProjectSummary] {
        let store = StateStore(root: root)
        let runtime = Runtime(root: root)
        var result: [ProjectSummary] = []
        for project in store.projects() {
            guard let state = try store.load(project: project) else { continue }
            let running = state.containers.filter { (try? runtime.state(id: $0.runtimeID))?.status == .running }.count
            result.append(
                ProjectSummary(
                    name: project, running: running, containers: state.containers.count,
                    directory: state.projectDirectory))
        }
        return result
    }

    /// `berth __netd`: runs the project's DNS and port-proxy daemon until it is told to
    /// stop; the result is its exit status.
    public func runNetworkDaemon(project: String) -> Int32 {
        NetworkDaemon(root: root, project: project).run()
    }
}

extension StackSession {
    /// The project's event log (`events.jsonl`), one JSON object per line.
    public var eventLogPath: String { EventLog(root: host.root, project: project).path }
}
