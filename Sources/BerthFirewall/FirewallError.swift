/// A firewall change berth could not make: what failed, the nft commands it tried (so the
/// user can see and replay them with `nft -f`), and what to do.
public struct FirewallError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var commands: String?
    public var hint: String?

    public init(_ message: String, commands: String? = nil, hint: String? = nil) {
        self.message = message
        self.commands = commands
        self.hint = hint
    }

    public var description: String {
        var text = message
        if let hint { text += "; \(hint)" }
        if let commands {
            text +=
                "\n  commands tried:\n" + commands.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")
        }
        return text
    }
}
