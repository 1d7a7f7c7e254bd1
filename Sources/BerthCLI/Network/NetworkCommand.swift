import ArgumentParser
import BerthSession

/// `berth network ...`: bridge networks that outlive stacks, joined with 'external: true'.
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Manage shared bridge networks: create, list, inspect, remove.",
        subcommands: [
            NetworkCreateCommand.self, NetworkListCommand.self, NetworkInspectCommand.self,
            NetworkRemoveCommand.self,
        ]
    )
}

struct NetworkCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a bridge network stacks can join with 'external: true'.",
        discussion: """
            Containers reach the outside through the host's default route (masqueraded); \
            with --internal they stay on the bridge.
            """)

    @OptionGroup var rootOptions: RootOptions

    @Option(help: ArgumentHelp("IPv4 subnet (default: a free /24 of 10.213.0.0/16).", valueName: "cidr"))
    var subnet: String?

    @Option(help: ArgumentHelp("Gateway address inside --subnet (default: its first address).", valueName: "ip"))
    var gateway: String?

    @Flag(help: "Mark the network internal (no outside access; true of every berth network).")
    var `internal` = false

    @Option(help: ArgumentHelp("Network driver; only bridge.", valueName: "name"))
    var driver = "bridge"

    @Argument(help: ArgumentHelp("Network name.", valueName: "name"))
    var name: String

    func validate() throws {
        guard driver == "bridge" else {
            throw ValidationError("berth networks use the bridge driver only, not '\(driver)'")
        }
    }

    func run() async throws {
        print(
            try rootOptions.host.networks.create(
                name: name, subnet: subnet, gateway: gateway, isInternal: `internal`))
    }
}

struct NetworkListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List networks: those made with `network create` and the stacks' own.",
        aliases: ["list"])

    @OptionGroup var rootOptions: RootOptions

    @Option(help: "Output format: table or json.")
    var format: ListFormat = .table

    @Flag(name: [.customShort("q"), .long], help: "Only print network names.")
    var quiet = false

    func run() async throws {
        let networks = rootOptions.host.networks.list()
        if quiet {
            for network in networks { print(network.Name) }
            return
        }
        switch format {
        case .json:
            Terminal.writeOutput(try JSONOutput.render(networks))
        case .table:
            Terminal.writeOutput(
                TextTable.render(
                    [["NAME", "DRIVER", "SUBNET", "GATEWAY", "INTERNAL", "BRIDGE"]]
                        + networks.map {
                            [$0.Name, "bridge", $0.Subnet, $0.Gateway, $0.Internal ? "true" : "false", $0.Bridge]
                        }))
        }
    }
}

struct NetworkInspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show networks in detail.")

    @OptionGroup var rootOptions: RootOptions

    @Option(help: "Output format: table or json.")
    var format: ListFormat = .table

    @Argument(help: ArgumentHelp("Networks to show.", valueName: "name"))
    var names: [String]

    func run() async throws {
        let store = rootOptions.host.networks
        let rows = try names.map { name in
            guard let details = try store.inspect(name) else {
                throw ValidationError("network \(name) does not exist; see `berth network ls`")
            }
            return details
        }
        switch format {
        case .json:
            Terminal.writeOutput(try JSONOutput.render(rows))
        case .table:
            for row in rows {
                Terminal.writeOutput(
                    TextTable.render(
                        [["FIELD", "VALUE"]] + [
                            ["Name", row.Name], ["Driver", row.Driver], ["Bridge", row.Bridge], ["Subnet", row.Subnet],
                            ["Gateway", row.Gateway], ["Internal", String(row.Internal)], ["Created", row.Created],
                            ["Containers", row.Containers.joined(separator: ",")],
                        ] + row.Firewall.map { ["Firewall", $0] }))
            }
        }
    }
}

struct NetworkRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove networks no container is attached to.", aliases: ["remove"])

    @OptionGroup var rootOptions: RootOptions

    @Argument(help: ArgumentHelp("Networks to remove.", valueName: "name"))
    var names: [String]

    func run() async throws {
        let store = rootOptions.host.networks
        for name in names {
            try store.remove(name)
            print(name)
        }
    }
}
