import ArgumentParser
import BerthModel

/// `berth config`: validate the stack and print it fully resolved, like `docker compose config`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate the stack and print its canonical, fully resolved form.",
        discussion: "Exit status: 0 valid, 1 invalid, 2 usage error.")

    @OptionGroup var project: ProjectOptions

    @Option(name: .long, help: "Output format: yaml or json (diagnostics follow it too).")
    var format: OutputFormat = .yaml

    @Flag(name: [.customShort("q"), .long], help: "Only validate; print nothing but problems.")
    var quiet = false

    @Flag(name: .long, help: "Treat warnings (e.g. unset variables) as errors.")
    var strict = false

    @Flag(name: .long, help: "Print the service names, one per line.")
    var services = false

    @Flag(name: .long, help: "Print the volume names, one per line.")
    var volumes = false

    @Flag(name: .long, help: "Print the network names, one per line.")
    var networks = false

    @Flag(name: .long, help: "Print the profile names, one per line.")
    var profiles = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Print the content hash of these services ('*' for all, '|'-separated).", valueName: "services"))
    var hash: String?

    func validate() throws {
        if format == .text { throw ValidationError("--format takes 'yaml' or 'json'") }
        let listings = [services, volumes, networks, profiles, hash != nil].filter { $0 }.count
        if listings > 1 {
            throw ValidationError("--services, --volumes, --networks, --profiles and --hash exclude each other")
        }
    }

    func run() throws {
        let loader = ProjectLoader(options: project, strict: strict, diagnosticsFormat: format == .json ? .json : .text)
        let (_, topology) = try loader.load()
        if quiet { return }
        if services {
            return printLines(topology.services.map(\.name.rawValue))
        }
        if volumes {
            return printLines(topology.volumes.map(\.key))
        }
        if networks {
            return printLines(topology.networks.map(\.key))
        }
        if profiles {
            let all = Set((topology.services + topology.disabledServices).flatMap(\.profiles))
            return printLines(all.sorted())
        }
        if let hash {
            let wanted = hash.split(separator: "|").map(String.init)
            let names = wanted.contains("*") ? topology.services.map(\.name.rawValue) : wanted
            var lines: [String] = []
            for name in names {
                guard let value = topology.serviceHash(name) else {
                    throw ValidationError("no service named '\(name)' in the stack")
                }
                lines.append("\(name) \(value)")
            }
            return printLines(lines)
        }
        Terminal.writeOutput(format == .json ? topology.canonicalJSON() + "\n" : topology.canonicalYAML())
    }

    private func printLines(_ lines: [String]) {
        Terminal.writeOutput(lines.map { $0 + "\n" }.joined())
    }
}
