import ArgumentParser
import BerthSession

/// `berth volume ...`: volumes outside and across stacks.
struct VolumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume",
        abstract: "Manage volumes: create, list, inspect, remove, prune.",
        subcommands: [
            VolumeCreateCommand.self, VolumeListCommand.self, VolumeInspectCommand.self, VolumeRemoveCommand.self,
            VolumePruneCommand.self,
        ]
    )
}

struct VolumeCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a volume (a stack can use it with 'external: true').")

    @OptionGroup var rootOptions: RootOptions

    @Argument(
        help: ArgumentHelp("Volume name; without one, an anonymous volume with a random name.", valueName: "name"))
    var name: String?

    func run() async throws {
        print(try rootOptions.host.volumes.create(name))
    }
}

struct VolumeListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List volumes.", aliases: ["list"])

    @OptionGroup var rootOptions: RootOptions

    @Option(help: "Output format: table or json.")
    var format: ListFormat = .table

    @Flag(name: [.customShort("q"), .long], help: "Only print volume names.")
    var quiet = false

    func run() async throws {
        let volumes = rootOptions.host.volumes.list()
        if quiet {
            for volume in volumes { print(volume.Name) }
            return
        }
        switch format {
        case .json:
            Terminal.writeOutput(try JSONOutput.render(volumes))
        case .table:
            Terminal.writeOutput(
                TextTable.render(
                    [["DRIVER", "VOLUME NAME", "PROJECT", "USED BY"]]
                        + volumes.map { ["local", $0.Name, $0.Project ?? "", $0.UsedBy.joined(separator: ",")] }))
        }
    }
}

struct VolumeInspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show volumes in detail.")

    @OptionGroup var rootOptions: RootOptions

    @Option(help: "Output format: table or json.")
    var format: ListFormat = .table

    @Argument(help: ArgumentHelp("Volumes to show.", valueName: "name"))
    var names: [String]

    func run() async throws {
        let store = rootOptions.host.volumes
        let volumes = try names.map { try store.inspect($0) }
        switch format {
        case .json:
            Terminal.writeOutput(try JSONOutput.render(volumes))
        case .table:
            for volume in volumes {
                Terminal.writeOutput(
                    TextTable.render(
                        [["FIELD", "VALUE"]] + [
                            ["Name", volume.Name], ["Driver", "local"], ["Mountpoint", volume.Mountpoint],
                            ["Anonymous", String(volume.Anonymous)], ["Project", volume.Project ?? ""],
                            ["Used by", volume.UsedBy.joined(separator: ",")],
                        ]))
            }
        }
    }
}

struct VolumeRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove volumes no container uses.", aliases: ["remove"])

    @OptionGroup var rootOptions: RootOptions

    @Flag(
        name: [.customShort("f"), .long],
        help: "Do not fail on a missing volume (a volume in use is still refused, as with docker).")
    var force = false

    @Argument(help: ArgumentHelp("Volumes to remove.", valueName: "name"))
    var names: [String]

    func run() async throws {
        let store = rootOptions.host.volumes
        for name in names {
            try store.remove(name, force: force)
            print(name)
        }
    }
}

struct VolumePruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove anonymous volumes no container uses (every unused one with --all).")

    @OptionGroup var rootOptions: RootOptions

    @Flag(name: [.customShort("a"), .long], help: "Also remove unused named volumes.")
    var all = false

    func run() async throws {
        let removed = try rootOptions.host.volumes.prune(all: all)
        if !removed.isEmpty {
            print("Deleted Volumes:")
            for name in removed { print(name) }
            print("")
        }
        print("Removed \(removed.count) volume\(removed.count == 1 ? "" : "s")")
    }
}
