import BerthDiagnostics

/// A Linux capability name, accepted with or without `CAP_` and in any case; `ALL` stands
/// for every capability. Stored upper-case without the prefix, as docker prints them.
public struct Capability: Hashable, Sendable, CustomStringConvertible {
    public var name: String

    /// capabilities(7), in number order.
    static let known: [String] = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ]
    static let knownSet = Set(known)

    /// Its number in capabilities(7), nil for `ALL`.
    public var number: Int? { Capability.known.firstIndex(of: name) }

    init(parsing text: String) throws(ValueError) {
        var upper = text.uppercased()
        if upper.hasPrefix("CAP_") { upper.removeFirst(4) }
        guard upper == "ALL" || Capability.knownSet.contains(upper) else {
            throw ValueError(
                "unknown capability '\(text)'",
                hint: Suggestions.hint(for: upper, in: Capability.known)
                    ?? "see capabilities(7) for the names, e.g. NET_ADMIN or SYS_PTRACE")
        }
        self.name = upper
    }

    public var description: String { name }
}
