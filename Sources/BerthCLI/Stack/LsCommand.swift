import ArgumentParser
import BerthRuntime
import BerthState
import Foundation

/// `berth ls`: projects berth has state for, with how many containers run.
struct LsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List projects.")
    @OptionGroup var rootOptions: RootOptions
    @Flag(name: .shortAndLong, help: "Also show projects with no running container.") var all = false

    func run() async throws {
        let root = rootOptions.resolvedRoot(environment: ProcessInfo.processInfo.environment)
        let store = StateStore(root: root)
        let runtime = Runtime(root: root)
        var rows = [["NAME", "STATUS", "PROJECT DIRECTORY"]]
        for project in store.projects() {
            guard let state = try store.load(project: project) else { continue }
            let running = state.containers.filter { (try? runtime.state(id: $0.runtimeID))?.status == .running }.count
            if !all && running == 0 { continue }
            let status = running > 0 ? "running(\(running))" : "exited(\(state.containers.count))"
            rows.append([project, status, state.projectDirectory])
        }
        Terminal.writeOutput(TextTable.render(rows))
    }
}
