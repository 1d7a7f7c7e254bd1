import BerthEncoding

/// What `list ruleset` says, as far as berth needs it: tables, chains (with their hook and
/// policy, to see whether another firewall's forward path drops), and rules with their handle
/// and comment (berth finds and deletes its own rules by the comment it gave them).
struct RulesetListing: Sendable {
    struct Table: Hashable, Sendable {
        var family: String
        var name: String
    }

    struct Chain: Hashable, Sendable {
        var table: Table
        var name: String
        /// nil for a regular chain (reached only by jumps).
        var hook: String?
        var policy: String?
    }

    struct Rule: Hashable, Sendable {
        var chain: Chain.ID
        var handle: Int64
        var comment: String?
    }

    var tables: [Table] = []
    var chains: [Chain] = []
    var rules: [Rule] = []

    init(tables: [Table] = [], chains: [Chain] = [], rules: [Rule] = []) {
        self.tables = tables
        self.chains = chains
        self.rules = rules
    }

    /// Reads libnftables' JSON listing (`{"nftables": [{"table": …}, {"chain": …}, …]}`).
    init(json text: String) throws(FirewallError) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(text)
        } catch {
            throw FirewallError("libnftables listed the ruleset in JSON berth cannot read: \(error)")
        }
        guard case .array(let items)? = document["nftables"] else {
            throw FirewallError("libnftables listed the ruleset without an \"nftables\" array")
        }
        for item in items {
            if let table = item["table"], let family = table["family"]?.text, let name = table["name"]?.text {
                tables.append(Table(family: family, name: name))
            } else if let chain = item["chain"], let family = chain["family"]?.text, let table = chain["table"]?.text,
                let name = chain["name"]?.text
            {
                chains.append(
                    Chain(
                        table: Table(family: family, name: table), name: name, hook: chain["hook"]?.text,
                        policy: chain["policy"]?.text))
            } else if let rule = item["rule"], let family = rule["family"]?.text, let table = rule["table"]?.text,
                let chain = rule["chain"]?.text, case .integer(let handle)? = rule["handle"]
            {
                rules.append(
                    Rule(
                        chain: Chain.ID(table: Table(family: family, name: table), name: chain), handle: handle,
                        comment: rule["comment"]?.text))
            }
        }
    }

    func hasTable(_ table: Table) -> Bool { tables.contains(table) }

    func chain(_ id: Chain.ID) -> Chain? { chains.first { $0.id == id } }

    func rules(in id: Chain.ID) -> [Rule] { rules.filter { $0.chain == id } }
}

extension RulesetListing.Chain: Identifiable {
    struct ID: Hashable, Sendable {
        var table: RulesetListing.Table
        var name: String
    }

    var id: ID { ID(table: table, name: name) }
}

extension JSONValue {
    fileprivate var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}
