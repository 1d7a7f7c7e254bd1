/// The identity of an entry in the service lists that merge.md treats as sets ("unique
/// resources"): two entries with the same key describe the same thing, so a later file
/// replaces the earlier entry instead of adding a second one.
enum ServiceKeys {
    /// `{host_ip, published, target, protocol}` for `[ip:][published:]target[/proto]` and the long form.
    static func port(_ node: Node) -> String? {
        if let m = node.mapping {
            let ip = m["host_ip"]?.string ?? ""
            let published = m["published"]?.string ?? ""
            let target = m["target"]?.string ?? ""
            let proto = m["protocol"]?.string ?? "tcp"
            return "\(ip)|\(published)|\(target)|\(proto)"
        }
        guard var text = node.string else { return nil }
        var proto = "tcp"
        if let slash = text.lastIndex(of: "/") {
            proto = String(text[text.index(after: slash)...])
            text = String(text[..<slash])
        }
        var ip = ""
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            ip = String(text[text.index(after: text.startIndex)..<close])
            text = String(text[text.index(after: close)...])
            if text.hasPrefix(":") { text.removeFirst() }
        }
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if ip.isEmpty, parts.count == 3 { ip = parts.removeFirst() }
        let target = parts.last ?? ""
        let published = parts.count >= 2 ? parts[parts.count - 2] : ""
        return "\(ip)|\(published)|\(target)|\(proto)"
    }

    /// The container path of `source:target[:mode]`, `target`, or `{target: ...}`.
    static func volumeTarget(_ node: Node) -> String? {
        if let m = node.mapping { return m["target"]?.string.map(trimSlash) }
        guard let text = node.string else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return trimSlash(String(parts.count >= 2 ? parts[1] : parts[0]))
    }

    /// `host[:container[:perms]]`; the container path defaults to the host path.
    static func deviceTarget(_ node: Node) -> String? {
        if let m = node.mapping { return (m["target"]?.string ?? m["source"]?.string).map(trimSlash) }
        guard let text = node.string else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return trimSlash(String(parts.count >= 2 ? parts[1] : parts[0]))
    }

    /// Secrets and configs are unique by where they appear in the container, which
    /// defaults to a path derived from the source name.
    static func fileReferenceTarget(_ node: Node, defaultDirectory: String) -> String? {
        if let m = node.mapping {
            if let target = m["target"]?.string {
                return target.hasPrefix("/") ? target : defaultDirectory + target
            }
            return m["source"]?.string.map { defaultDirectory + $0 }
        }
        return node.string.map { defaultDirectory + $0 }
    }

    private static func trimSlash(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }
}
