import BerthSystem

/// A set of Linux capabilities as a bit mask (bit n = capability number n).
public struct CapabilitySet: Hashable, Sendable, Codable {
    public var bits: UInt64

    public init(bits: UInt64) { self.bits = bits }

    /// Kernel capability names in number order (CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40).
    public static let names: [String] = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ]

    /// Docker's default set: enough for typical images (chown, bind <1024, su) and nothing that
    /// reaches the host kernel's global state.
    public static let containerDefault = CapabilitySet(names: [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP",
        "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ])

    public static func all(lastCapability: Int) -> CapabilitySet {
        CapabilitySet(bits: lastCapability >= 63 ? UInt64.max : (UInt64(1) << UInt64(lastCapability + 1)) - 1)
    }

    init(names: [String]) {
        bits = 0
        for name in names {
            if let n = CapabilitySet.number(of: name) { bits |= UInt64(1) << UInt64(n) }
        }
    }

    /// Accepts `NET_ADMIN`, `CAP_NET_ADMIN`, any case.
    public static func number(of name: String) -> Int? {
        var upper = name.uppercased()
        if upper.hasPrefix("CAP_") { upper.removeFirst(4) }
        return names.firstIndex(of: upper)
    }

    /// This process's bounding set: a container can never get more than its supervisor has
    /// (a host that runs berth without, say, CAP_SYS_RESOURCE gives privileged containers
    /// everything else).
    static func processBounding() -> CapabilitySet? {
        guard let bytes = try? FileSystemCalls.readFile("/proc/self/status") else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("CapBnd:") {
            let hex = line.dropFirst(7).trimmingPrefix(while: { $0 == "\t" || $0 == " " })
            return UInt64(hex, radix: 16).map { CapabilitySet(bits: $0) }
        }
        return nil
    }

    /// `resolve`, limited to what this process may grant.
    static func resolveForThisHost(_ security: SecuritySpec, lastCapability: Int) throws(RuntimeError)
        -> CapabilitySet
    {
        var set = try resolve(security, lastCapability: lastCapability)
        if let bounding = processBounding() { set.bits &= bounding.bits }
        // berth enforces its device allowlist through the v1 devices controller only (v2 needs
        // a BPF device program, not implemented): without it, CAP_MKNOD would let a container
        // create and open host block devices, so it is withheld there.
        if !security.privileged, case .v2 = Cgroup.detectLayout(), let mknod = number(of: "MKNOD") {
            set.bits &= ~(UInt64(1) << UInt64(mknod))
        }
        return set
    }

    public func contains(_ number: Int) -> Bool { number < 64 && bits & (UInt64(1) << UInt64(number)) != 0 }

    public func contains(name: String) -> Bool { CapabilitySet.number(of: name).map(contains) ?? false }

    public var numbers: [Int] { (0..<64).filter(contains) }

    /// Applies compose-style cap_add/cap_drop (with `ALL`) on top of the default or privileged set.
    public static func resolve(_ security: SecuritySpec, lastCapability: Int) throws(RuntimeError) -> CapabilitySet {
        let all = CapabilitySet.all(lastCapability: lastCapability)
        if security.privileged { return all }
        var set = CapabilitySet.containerDefault
        func bits(_ list: [String], _ key: String) throws(RuntimeError) -> UInt64 {
            var result: UInt64 = 0
            for name in list {
                if name.uppercased() == "ALL" {
                    result = all.bits
                } else if let n = number(of: name) {
                    result |= UInt64(1) << UInt64(n)
                } else {
                    throw RuntimeError.invalidSpec(
                        "\(key): unknown capability \"\(name)\"; use names like NET_ADMIN or CAP_NET_ADMIN, or ALL")
                }
            }
            return result
        }
        let drop = try bits(security.capabilityDrop, "cap_drop")
        let add = try bits(security.capabilityAdd, "cap_add")
        set.bits = (set.bits & ~drop) | add
        set.bits &= all.bits
        return set
    }
}
