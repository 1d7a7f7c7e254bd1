import ArgumentParser
import BerthDriver
import Foundation

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

extension RootOptions {
    var hostNetworks: HostNetworkStore {
        HostNetworkStore(root: resolvedRoot(environment: ProcessInfo.processInfo.environment))
    }
}

/// The JSON shape of a network, docker's field names where docker has the field.
struct NetworkRow: Encodable {
    var Name: String
    var Driver = "bridge"
    var Bridge: String
    var Subnet: String
    var Gateway: String
    var Internal: Bool
    var Created: String
    var Containers: [String]
    /// berth's nf_tables rules for this network (its chain, its NAT rule, the accepts in the
    /// host's FORWARD chain), as `nft list ruleset` prints them.
    var Firewall: [String] = []

    init(_ record: HostNetworkRecord, users: [NetworkUser]) {
        Name = record.name
        Bridge = record.bridge
        Subnet = record.subnet
        Gateway = record.gateway
        Internal = record.isInternal
        Created = record.createdAt
        Containers = users.map(\.container)
    }
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
        let record = try rootOptions.hostNetworks.create(
            name: name, subnet: subnet, gateway: gateway, isInternal: `internal`)
        print(record.name)
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
        let store = rootOptions.hostNetworks
        // Networks made with `network create`, then those the stacks made.
        let networks = store.list() + store.stackNetworks()
        if quiet {
            for network in networks { print(network.name) }
            return
        }
        switch format {
        case .json:
            Terminal.writeOutput(
                try JSONOutput.render(networks.map { NetworkRow($0, users: store.users(of: $0.name)) }))
        case .table:
            Terminal.writeOutput(
                TextTable.render(
                    [["NAME", "DRIVER", "SUBNET", "GATEWAY", "INTERNAL", "BRIDGE"]]
                        + networks.map {
                            [$0.name, "bridge", $0.subnet, $0.gateway, $0.isInternal ? "true" : "false", $0.bridge]
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
        let store = rootOptions.hostNetworks
        let rows = try names.map { name in
            guard let record = try store.load(name) ?? store.stackNetworks().first(where: { $0.name == name }) else {
                throw ValidationError("network \(name) does not exist; see `berth network ls`")
            }
            var row = NetworkRow(record, users: store.users(of: name))
            row.Firewall = store.firewallRules(of: name)
            return row
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
        let store = rootOptions.hostNetworks
        for name in names {
            try store.remove(name)
            print(name)
        }
    }
}
