import BerthFirewall
import Foundation

/// The driver's two calls into BerthFirewall: a network's rules go in right after its bridge
/// is made (and are re-applied when an existing network is reused), and go out with it.
enum NetworkFirewall {
    /// One change at a time: each change lists the ruleset and decides from it (the table
    /// goes with the last network), so two networks removed concurrently by the engine
    /// would each see the other and both keep the table.
    private static let changes = NSLock()
    /// Installs the rules of one network; prints what berth could not do on this host. A rule
    /// nf_tables refuses is an error naming the network and the commands tried.
    static func install(root: String, name: String, bridge: String, subnet: String, isInternal: Bool) throws {
        changes.lock()
        defer { changes.unlock() }
        let outcome: Firewall.Outcome
        do {
            outcome = try Firewall(root: root).install(
                FirewallNetwork(name: name, bridge: bridge, subnet: subnet, isInternal: isInternal))
        } catch {
            // The firewall's own hint says what to do when it knows; otherwise the likely cause.
            throw DriverError(
                "network \(name): cannot install its firewall rules: \(error)",
                hint: error.hint == nil
                    ? "berth needs nf_tables (CONFIG_NF_TABLES, libnftables) and CAP_NET_ADMIN" : nil)
        }
        for warning in outcome.warnings {
            FileHandle.standardError.write(Data("warning: network \(name): \(warning)\n".utf8))
        }
    }

    static func remove(root: String, name: String) throws {
        changes.lock()
        defer { changes.unlock() }
        do {
            try Firewall(root: root).remove(network: name)
        } catch {
            throw DriverError(
                "network \(name): cannot remove its firewall rules: \(error)",
                hint: "list them with `nft list ruleset | grep \(Firewall(root: root).table.name)`")
        }
    }

    /// Removes the project's published-port chain. Its daemon does that when it exits; this
    /// covers a daemon that was killed, so `down` leaves no rule behind either way.
    static func unpublish(root: String, project: String) {
        changes.lock()
        defer { changes.unlock() }
        do {
            try Firewall(root: root).publish(project: project, ports: [])
        } catch {
            FileHandle.standardError.write(
                Data("warning: project \(project): cannot remove its published-port rules: \(error)\n".utf8))
        }
    }
}
