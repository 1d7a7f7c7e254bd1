import Synchronization

/// The names berth answers for on one network (service names, container names, aliases,
/// `service.project`), updated live as containers start, stop and change health. Shared by
/// the server thread and the runtime, hence the lock. Names are matched case-insensitively
/// and with or without a trailing dot.
public final class DNSRecordTable: Sendable {
    private let entries = Mutex<[String: [IPv4Address]]>([:])

    public init(_ initial: [String: [IPv4Address]] = [:]) {
        replaceAll(initial)
    }

    /// Sets the addresses for `name`; an empty list removes the name.
    public func set(_ name: String, to addresses: [IPv4Address]) {
        let key = DNSRecordTable.normalize(name)
        entries.withLock { $0[key] = addresses.isEmpty ? nil : addresses }
    }

    public func remove(_ name: String) {
        let key = DNSRecordTable.normalize(name)
        entries.withLock { $0[key] = nil }
    }

    /// Swaps in a whole new table at once, so readers never see a half-updated view.
    public func replaceAll(_ table: [String: [IPv4Address]]) {
        var normalized: [String: [IPv4Address]] = [:]
        for (name, addresses) in table where !addresses.isEmpty {
            normalized[DNSRecordTable.normalize(name), default: []] += addresses
        }
        entries.withLock { $0 = normalized }
    }

    public func addresses(for name: String) -> [IPv4Address]? {
        let key = DNSRecordTable.normalize(name)
        return entries.withLock { $0[key] }
    }

    static func normalize(_ name: String) -> String {
        var text = name.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
