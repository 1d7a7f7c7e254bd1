import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The IPv4 FORWARD chain of iptables-legacy's filter table, read from the kernel
/// (`IPT_SO_GET_INFO`/`IPT_SO_GET_ENTRIES`): its policy and whether it has rules. berth does not
/// edit x_tables; it only needs to know whether berth's traffic would be dropped there.
struct LegacyForwardChain: Equatable, Sendable {
    var policyDrops: Bool
    var hasRules: Bool
    /// Interfaces with a plain `-i IF -j ACCEPT` / `-o IF -j ACCEPT` rule (no other match),
    /// what berth's error tells the user to add.
    var acceptedIn: Set<String> = []
    var acceptedOut: Set<String> = []

    /// Whether the user let `bridge` through both ways.
    func accepts(_ bridge: String) -> Bool { acceptedIn.contains(bridge) && acceptedOut.contains(bridge) }

    // linux/netfilter_ipv4/ip_tables.h and x_tables.h
    static let getInfo: Int32 = 64  // IPT_SO_GET_INFO
    static let getEntries: Int32 = 65  // IPT_SO_GET_ENTRIES
    static let forwardHook = 2  // NF_INET_FORWARD
    static let infoSize = 84  // struct ipt_getinfo
    static let entriesHeader = 40  // struct ipt_get_entries, up to the 8-aligned entry table
    static let verdictOffset = 32  // int verdict after struct xt_entry_target's header

    /// nil when the legacy filter table is not loaded in this thread's namespace.
    static func read() throws(FirewallError) -> LegacyForwardChain? {
        var info = [UInt8](repeating: 0, count: infoSize)
        for (index, byte) in "filter".utf8.enumerated() { info[index] = byte }
        do {
            _ = try RawSocketOption.get(level: 0, option: getInfo, name: "IPT_SO_GET_INFO", buffer: &info)
        } catch {
            if error.errno.rawValue == ENOENT || error.errno.rawValue == ENOPROTOOPT { return nil }
            throw FirewallError("cannot read iptables-legacy's filter table: \(error)")
        }
        let hookEntry = Int(info.uint32(at: 36 + 4 * forwardHook))
        let underflow = Int(info.uint32(at: 56 + 4 * forwardHook))
        let size = Int(info.uint32(at: 80))
        guard size <= 64 << 20 else { throw FirewallError("iptables-legacy's filter table is \(size) bytes") }
        var entries = [UInt8](repeating: 0, count: entriesHeader + size)
        for (index, byte) in "filter".utf8.enumerated() { entries[index] = byte }
        entries.replaceSubrange(32..<36, with: UInt32(size).bytes)
        do {
            _ = try RawSocketOption.get(level: 0, option: getEntries, name: "IPT_SO_GET_ENTRIES", buffer: &entries)
        } catch {
            throw FirewallError("cannot read iptables-legacy's filter table: \(error)")
        }
        return try parse(entries: Array(entries.dropFirst(entriesHeader)), hookEntry: hookEntry, underflow: underflow)
    }

    /// The policy is the standard target of the entry at `underflow`; rules are the entries
    /// from `hookEntry` up to it.
    static func parse(entries: [UInt8], hookEntry: Int, underflow: Int) throws(FirewallError) -> LegacyForwardChain {
        // struct ipt_entry: target_offset (u16) at 88, after struct ipt_ip (84) and nfcache (4).
        guard underflow >= 0, underflow + 112 <= entries.count else {
            throw FirewallError("iptables-legacy's FORWARD chain has no policy entry berth can read")
        }
        let targetOffset = Int(entries[underflow + 88]) | Int(entries[underflow + 89]) << 8
        let verdictAt = underflow + targetOffset + verdictOffset
        guard verdictAt + 4 <= entries.count else {
            throw FirewallError("iptables-legacy's FORWARD policy lies outside its table")
        }
        let verdict = Int32(bitPattern: entries.uint32(at: verdictAt))
        // Standard verdicts are stored as -verdict - 1: NF_DROP (0) is -1, NF_ACCEPT (1) is -2.
        var chain = LegacyForwardChain(policyDrops: verdict == -1, hasRules: hookEntry != underflow)
        var offset = hookEntry
        for _ in 0..<4096 where offset >= 0 && offset < underflow && offset + 112 <= entries.count {
            let target = Int(entries[offset + 88]) | Int(entries[offset + 89]) << 8
            let next = Int(entries[offset + 90]) | Int(entries[offset + 91]) << 8
            guard next > 0 else { break }
            // No match and nothing but interfaces in struct ipt_ip: addresses/masks (0..<16) and
            // protocol (80..<82) zero; a standard target (empty name) with verdict ACCEPT.
            let plain =
                target == 112 && entries[offset..<(offset + 16)].allSatisfy { $0 == 0 } && entries[offset + 80] == 0
                && entries[offset + 81] == 0 && offset + 112 + 36 <= entries.count
                && entries[offset + 112 + 2] == 0
                && Int32(bitPattern: entries.uint32(at: offset + 112 + verdictOffset)) == -2
            if plain {
                let inInterface = entries.cString(at: offset + 16, length: 16)
                let outInterface = entries.cString(at: offset + 32, length: 16)
                if !inInterface.isEmpty && outInterface.isEmpty { chain.acceptedIn.insert(inInterface) }
                if inInterface.isEmpty && !outInterface.isEmpty { chain.acceptedOut.insert(outInterface) }
            }
            offset += next
        }
        return chain
    }
}

extension [UInt8] {
    /// Native (little-endian on every platform berth runs on) u32 at `offset`.
    fileprivate func uint32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * $1) }
    }
}

extension [UInt8] {
    fileprivate func cString(at offset: Int, length: Int) -> String {
        String(decoding: self[offset..<(offset + length)].prefix { $0 != 0 }, as: UTF8.self)
    }
}

extension UInt32 {
    fileprivate var bytes: [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: self >> (8 * $0)) } }
}
