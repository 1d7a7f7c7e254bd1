import ArgumentParser
import BerthSession

/// `berth top [SERVICE…]`: the processes of each running container, found as the host
/// processes that share the container's PID namespace.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "top", abstract: "Show the processes of containers.")
    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        var out = ""
        for (container, rows) in try await context.session().processes(services: services) {
            out += "\(container)\n"
            out += TextTable.render(
                [["UID", "PID", "PPID", "CMD"]]
                    + rows.map { [String($0.uid), String($0.pid), String($0.ppid), $0.command] })
            out += "\n"
        }
        Terminal.writeOutput(out)
    }
}
