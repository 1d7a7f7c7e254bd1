import Foundation

/// `HEALTHCHECK` for `image import --change`, read as docker's builder reads it: options
/// (`--interval`, `--timeout`, `--start-period`, `--start-interval`, `--retries`) then
/// `NONE`, `CMD [exec form]` or `CMD shell command`.
extension ImageChange {
    static func healthcheck(_ rest: String, change: String) throws(ImageError) -> Healthcheck {
        var words = Substring(rest)
        var check = Healthcheck(test: .inherit)
        while words.hasPrefix("--") {
            let option = words.prefix { !$0.isWhitespace }
            words = words.dropFirst(option.count).drop { $0.isWhitespace }
            guard let equals = option.firstIndex(of: "=") else {
                throw ImageError.invalidChange(change, reason: "HEALTHCHECK option \(option) needs =VALUE")
            }
            let name = option[..<equals]
            let value = String(option[option.index(after: equals)...])
            switch name {
            case "--interval": check.interval = try duration(value, option: name, change: change)
            case "--timeout": check.timeout = try duration(value, option: name, change: change)
            case "--start-period": check.startPeriod = try duration(value, option: name, change: change)
            case "--start-interval": check.startInterval = try duration(value, option: name, change: change)
            case "--retries":
                guard let retries = Int(value), retries > 0, retries <= Int(Int32.max) else {
                    throw ImageError.invalidChange(change, reason: "--retries must be a whole number from 1")
                }
                check.retries = retries
            default:
                throw ImageError.invalidChange(
                    change,
                    reason: "unknown HEALTHCHECK option \(name); use --interval, --timeout, --start-period, "
                        + "--start-interval or --retries")
            }
        }
        let kind = words.prefix { !$0.isWhitespace }
        let command = words.dropFirst(kind.count).drop { $0.isWhitespace }
        switch kind.uppercased() {
        case "NONE":
            guard command.isEmpty, check == Healthcheck(test: .inherit) else {
                throw ImageError.invalidChange(change, reason: "HEALTHCHECK NONE takes no options or arguments")
            }
            check.test = .disabled
        case "CMD":
            guard !command.isEmpty else {
                throw ImageError.invalidChange(change, reason: "HEALTHCHECK CMD needs a command")
            }
            if command.hasPrefix("[") {
                check.test = .command(try execForm(String(command), change: change))
            } else {
                check.test = .shell(String(command))
            }
        default:
            throw ImageError.invalidChange(change, reason: "HEALTHCHECK takes NONE or CMD after its options")
        }
        return check
    }

    /// Go's duration syntax as docker reads it (`30s`, `1m30s`, `500ms`, `2h`); must be positive.
    static func duration(_ text: String, option: Substring, change: String) throws(ImageError) -> Duration {
        let units: [(String, Int64)] = [
            ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
            ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ]
        var rest = Substring(text)
        var total: Int64 = 0
        let failure = ImageError.invalidChange(
            change, reason: "\(option) value \"\(text)\" is not a positive duration such as 30s or 1m30s")
        guard !rest.isEmpty else { throw failure }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count)
            // Longest unit first so "ms" is not read as "m" followed by "s".
            guard let number = Int64(digits),
                let unit = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) })
            else { throw failure }
            rest = rest.dropFirst(unit.0.count)
            let (scaled, overflow) = number.multipliedReportingOverflow(by: unit.1)
            let (sum, overflowSum) = total.addingReportingOverflow(scaled)
            guard !overflow, !overflowSum else { throw failure }
            total = sum
        }
        guard total > 0 else { throw failure }
        return .nanoseconds(total)
    }

    private static func execForm(_ text: String, change: String) throws(ImageError) -> [String] {
        guard let words = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw ImageError.invalidChange(
                change, reason: "HEALTHCHECK CMD's exec form must be a JSON array of strings")
        }
        return words
    }
}
