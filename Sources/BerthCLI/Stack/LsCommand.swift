import ArgumentParser
import BerthSession
import Foundation

/// `berth ls`: projects berth has state for, with how many containers run.
struct LsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List projects.")
    @OptionGroup var rootOptions: RootOptions
    @Flag(name: .shortAndLong, help: "Also show projects with no running container.") var all = false

    func run() async throws {
        let root = rootOptions.resolvedRoot(environment: ProcessInfo.processInfo.environment)
        var rows = [["NAME", "STATUS", "PROJECT DIRECTORY"]]
        for project in try LinuxHost(root: root).projects() {
            if !all && project.running == 0 { continue }
            let status = project.running > 0 ? "running(\(project.running))" : "exited(\(project.containers))"
            rows.append([project.name, status, project.directory])
        }
        Terminal.writeOutput(TextTable.render(rows))
    }
}
