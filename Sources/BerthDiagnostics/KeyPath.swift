/// Where a value sits in the document tree (`services.web.ports[0]`), independent of
/// the file it came from: merged and extended values keep the path users think in.
public struct KeyPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// Builds a path from dotted keys, for call sites that only descend through mappings.
    public init(keys: String...) {
        self.components = keys.map { .key($0) }
    }

    public static let root = KeyPath()

    public func appending(_ key: String) -> KeyPath {
        KeyPath(components + [.key(key)])
    }

    public func appending(index: Int) -> KeyPath {
        KeyPath(components + [.index(index)])
    }

    public var isRoot: Bool { components.isEmpty }

    public var lastKey: String? {
        if case .key(let k)? = components.last { return k }
        return nil
    }

    public var description: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let key):
                let plain = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || "_-/".contains($0) }
                let text = plain ? key : "\"\(key)\""
                out += out.isEmpty ? text : ".\(text)"
            case .index(let i):
                out += "[\(i)]"
            }
        }
        return out.isEmpty ? "(document root)" : out
    }

    public static func < (lhs: KeyPath, rhs: KeyPath) -> Bool {
        lhs.description < rhs.description
    }
}
