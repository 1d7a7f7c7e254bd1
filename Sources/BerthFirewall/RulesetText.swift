/// Rules out of nft's text listing, with the table and chain each is in: the form users know
/// from `nft list ruleset`, which `berth network inspect` shows.
enum RulesetText {
    struct Rule: Equatable {
        var table: String
        var chain: String
        var text: String
    }

    static func rules(in listing: String) -> [Rule] {
        var rules: [Rule] = []
        var table = ""
        var chain: String?
        for raw in listing.split(whereSeparator: \.isNewline) {
            var line = String(raw)
            // Listings carry handles (`… # handle 4`); they are not part of the rule.
            if let marker = line.firstRange(of: " # handle ") { line = String(line[..<marker.lowerBound]) }
            line = line.trimmed()
            if line.hasPrefix("table ") && line.hasSuffix("{") {
                table = String(line.dropFirst("table ".count).dropLast()).trimmed()
            } else if line.hasPrefix("chain ") && line.hasSuffix("{") {
                chain = String(line.dropFirst("chain ".count).dropLast()).trimmed()
            } else if line == "}" {
                if chain != nil { chain = nil } else { table = "" }
            } else if let chain, !line.isEmpty, !line.hasPrefix("type ") {
                rules.append(Rule(table: table, chain: chain.replacingQuotes(), text: line))
            }
        }
        return rules
    }
}

extension String {
    fileprivate func replacingQuotes() -> String { String(filter { $0 != "\"" }) }
}
