import BerthDiagnostics

/// compose-spec merge rules, used for `-f a -f b`, override files, `extends` and nothing
/// else: mappings merge key by key, scalars are replaced, sequences append, with the
/// per-attribute exceptions of merge.md. `!reset` removes the inherited value and
/// `!override` replaces it whole. Every value keeps the position it was written at, so a
/// diagnostic about a merged value points into the file that supplied it.
enum Merge {
    /// Merges whole documents: `override` is a later file.
    static func documents(_ base: Node, _ override: Node) -> Node {
        merge(base, override, path: [])
    }

    /// Merges one service definition over another (`extends`).
    static func service(_ base: Node, _ override: Node) -> Node {
        merge(base, override, path: ["services", "*"])
    }

    /// Removes `!reset` values and clears `!override` tags once merging is over. Tags stay
    /// in the tree until then so `extends`, resolved after the files merge, still honours them.
    static func stripTags(_ node: Node) -> Node {
        stripped(node) ?? node
    }

    /// nil when `node` carries no tags anywhere, so untagged trees are never copied.
    private static func stripped(_ node: Node) -> Node? {
        var copy = node
        var changed = node.mergeTag != nil
        copy.mergeTag = nil
        switch node.kind {
        case .scalar:
            break
        case .sequence(let items):
            var result: [Node]?
            for (i, item) in items.enumerated() {
                if item.mergeTag == .reset {
                    if result == nil { result = Array(items[..<i]) }
                } else if let new = stripped(item) {
                    if result == nil { result = Array(items[..<i]) }
                    result?.append(new)
                } else {
                    result?.append(item)
                }
            }
            if let result {
                copy.kind = .sequence(result)
                changed = true
            }
        case .mapping(let mapping):
            var result: Mapping?
            for entry in mapping.entries {
                if entry.value.mergeTag == .reset {
                    if result == nil { result = mapping }
                    result?.removeValue(forKey: entry.key)
                } else if let new = stripped(entry.value) {
                    if result == nil { result = mapping }
                    result?[entry.key, at: entry.keyLocation] = new
                }
            }
            if let result {
                copy.kind = .mapping(result)
                changed = true
            }
        }
        return changed ? copy : nil
    }

    /// How a service attribute (path below `services.<name>`) merges.
    private enum Rule {
        case replace
        case mappingLike(separators: [UInt8])
        case unique(key: (Node) -> String?)
        case appendUnique
        case networks
        case dependsOn
        case build
        /// Options merge only when both sides use the same driver (or one names none).
        case logging
        case recursive
    }

    private static func rule(for path: [String]) -> Rule {
        let keyValue = Rule.mappingLike(separators: [0x3D])
        // Top-level networks and volumes: `<kind>.<name>.<attribute>...`.
        if path.count >= 3, path[0] == "networks" || path[0] == "volumes" {
            if path.count == 3, path[2] == "labels" { return keyValue }
            if path.count == 4, path[0] == "networks", path[2] == "ipam", path[3] == "config" {
                return .unique(key: { $0["subnet"]?.string })
            }
            return .recursive
        }
        guard path.count >= 3, path[0] == "services" else { return .recursive }
        switch path.count {
        case 3:
            switch path[2] {
            case "command", "entrypoint": return .replace
            case "environment", "labels", "annotations", "sysctls": return keyValue
            case "extra_hosts": return .mappingLike(separators: [0x3D, 0x3A])
            case "ports": return .unique(key: ServiceKeys.port)
            case "volumes": return .unique(key: ServiceKeys.volumeTarget)
            case "devices": return .unique(key: ServiceKeys.deviceTarget)
            case "secrets":
                return .unique(key: { ServiceKeys.fileReferenceTarget($0, defaultDirectory: "/run/secrets/") })
            case "configs": return .unique(key: { ServiceKeys.fileReferenceTarget($0, defaultDirectory: "/") })
            case "dns", "dns_search", "dns_opt", "env_file", "tmpfs", "cap_add", "cap_drop", "expose", "profiles",
                "links", "external_links", "volumes_from", "security_opt", "group_add", "label_file":
                return .appendUnique
            case "networks": return .networks
            case "depends_on": return .dependsOn
            case "build": return .build
            case "logging": return .logging
            default: return .recursive
            }
        case 4:
            switch (path[2], path[3]) {
            case ("healthcheck", "test"): return .replace
            case ("ulimits", _): return .replace
            case ("build", "args"), ("build", "labels"), ("build", "additional_contexts"), ("deploy", "labels"):
                return keyValue
            case ("build", "extra_hosts"): return .mappingLike(separators: [0x3D, 0x3A])
            default: return .recursive
            }
        default:
            return .recursive
        }
    }

    private static func merge(_ base: Node, _ override: Node, path: [String]) -> Node {
        if override.mergeTag == .override { return override }
        // `web:` with nothing under it in a later file adds nothing; it does not erase `web`.
        if override.isNull, override.mergeTag == nil, base.mapping != nil || base.sequence != nil {
            return base
        }
        switch rule(for: path) {
        case .replace:
            return override
        case .mappingLike(let separators):
            guard let b = asMapping(base, separators: separators), let o = asMapping(override, separators: separators)
            else { return override }
            return mergeMappings(b, o, path: path)
        case .unique(let key):
            return mergeUnique(base, override, path: path, key: key)
        case .appendUnique:
            return appendUnique(base, override)
        case .networks:
            guard let b = namesAsMapping(base, value: nil), let o = namesAsMapping(override, value: nil) else {
                return override
            }
            return mergeMappings(b, o, path: path)
        case .dependsOn:
            if base.sequence != nil, override.sequence != nil { return appendUnique(base, override) }
            guard let b = namesAsMapping(base, value: "service_started"),
                let o = namesAsMapping(override, value: "service_started")
            else { return override }
            return mergeMappings(b, o, path: path)
        case .build:
            guard let b = buildAsMapping(base), let o = buildAsMapping(override) else { return override }
            return mergeMappings(b, o, path: path)
        case .logging:
            let baseDriver = base["driver"]?.string, overrideDriver = override["driver"]?.string
            if let baseDriver, let overrideDriver, baseDriver != overrideDriver { return override }
            return mergeMappings(base, override, path: path)
        case .recursive:
            guard base.mapping != nil, override.mapping != nil else {
                if base.sequence != nil, override.sequence != nil { return appendAll(base, override) }
                return override
            }
            return mergeMappings(base, override, path: path)
        }
    }

    private static func mergeMappings(_ base: Node, _ override: Node, path: [String]) -> Node {
        guard var result = base.mapping, let other = override.mapping else { return override }
        for entry in other.entries {
            let childPath = path.count == 1 && path[0] == "services" ? path + ["*"] : path + [entry.key]
            switch entry.value.mergeTag {
            case .reset:
                result.removeValue(forKey: entry.key)
            case .override:
                result[entry.key, at: entry.keyLocation] = entry.value
            case nil:
                if let existing = result[entry.key] {
                    result[entry.key, at: entry.keyLocation] = merge(existing, entry.value, path: childPath)
                } else {
                    result[entry.key, at: entry.keyLocation] = entry.value
                }
            }
        }
        var node = base
        node.mergeTag = nil
        node.kind = .mapping(result)
        return node
    }

    private static func appendAll(_ base: Node, _ override: Node) -> Node {
        let items = (base.sequence ?? []) + (override.sequence ?? [])
        var node = base
        node.mergeTag = nil
        node.kind = .sequence(items)
        return node
    }

    /// A scalar counts as a one-item list (`dns: 1.1.1.1`).
    private static func items(_ node: Node) -> [Node]? {
        switch node.kind {
        case .sequence(let items): return items
        case .scalar(let s) where !s.isNull: return [node]
        default: return nil
        }
    }

    private static func appendUnique(_ base: Node, _ override: Node) -> Node {
        guard let b = items(base), let o = items(override) else { return override }
        // env_file entries are the same file whether written short or long.
        func key(_ node: Node) -> String { node["path"]?.string ?? identity(node) }
        var seen = Set(b.map(key))
        var result = b
        for item in o where seen.insert(key(item)).inserted {
            result.append(item)
        }
        var node = base
        node.mergeTag = nil
        node.kind = .sequence(result)
        return node
    }

    /// A position-free rendering used to compare values written in different files.
    static func identity(_ node: Node) -> String {
        switch node.kind {
        case .scalar(let s): return s.text
        case .sequence(let items): return "[" + items.map(identity).joined(separator: ",") + "]"
        case .mapping(let m):
            return "{" + m.entries.map { "\($0.key):\(identity($0.value))" }.joined(separator: ",") + "}"
        }
    }

    private static func mergeUnique(
        _ base: Node, _ override: Node, path: [String], key: (Node) -> String?
    ) -> Node {
        guard let b = base.sequence, let o = override.sequence else { return override }
        var result = b
        var positions: [String: Int] = [:]
        for (i, item) in b.enumerated() {
            if let k = key(item) { positions[k] = i }
        }
        for item in o {
            guard let k = key(item) else {
                result.append(item)
                continue
            }
            if let i = positions[k] {
                if result[i].mapping != nil, item.mapping != nil {
                    result[i] = mergeMappings(result[i], item, path: path + ["*"])
                } else {
                    result[i] = item
                }
            } else {
                positions[k] = result.count
                result.append(item)
            }
        }
        var node = base
        node.mergeTag = nil
        node.kind = .sequence(result)
        return node
    }

    // MARK: normalising list forms to mappings

    /// `["A=1", "B"]` → `{A: "1", B: null}`; mappings pass through; nil for other shapes.
    static func asMapping(_ node: Node, separators: [UInt8]) -> Node? {
        if node.mapping != nil { return node }
        if node.isNull { return Node(.mapping(Mapping()), at: node.location) }
        guard let items = node.sequence else { return nil }
        var mapping = Mapping()
        for item in items {
            guard let text = item.scalar?.text else { return nil }
            let utf8 = text.utf8
            if let cut = utf8.firstIndex(where: { separators.contains($0) }) {
                let key = String(text[..<cut])
                let value = String(text[text.utf8.index(after: cut)...])
                mapping[key, at: item.location] = Node(
                    .scalar(Scalar(value, style: .doubleQuoted)), at: valueLocation(item, keyLength: key))
            } else {
                mapping[text, at: item.location] = Node(.scalar(Scalar("", style: .plain)), at: item.location)
            }
        }
        return Node(.mapping(mapping), at: node.location)
    }

    /// Where the value of a `KEY=VALUE` list item starts, when the item is on one line.
    private static func valueLocation(_ item: Node, keyLength key: String) -> SourceLocation {
        guard let scalar = item.scalar else { return item.location }
        var location = item.location
        switch scalar.style {
        case .plain: location.column += key.unicodeScalars.count + 1
        case .singleQuoted, .doubleQuoted: location.column += key.unicodeScalars.count + 2
        case .literal, .folded: break
        }
        return location
    }

    /// `[a, b]` → `{a: null, b: null}` (networks) or `{a: {condition: ...}}` (depends_on).
    private static func namesAsMapping(_ node: Node, value condition: String?) -> Node? {
        if node.mapping != nil { return node }
        guard let items = node.sequence else { return nil }
        var mapping = Mapping()
        for item in items {
            guard let name = item.string else { return nil }
            let value: Node
            if let condition {
                let key = SourceLocation(
                    file: item.location.file, line: item.location.line, column: item.location.column)
                value = Node(
                    .mapping(
                        Mapping([Mapping.Entry(key: "condition", keyLocation: key, value: .scalar(condition, at: key))])
                    ),
                    at: item.location)
            } else {
                value = Node(.scalar(Scalar("")), at: item.location)
            }
            mapping[name, at: item.location] = value
        }
        return Node(.mapping(mapping), at: node.location)
    }

    /// `build: ./dir` → `build: {context: ./dir}`.
    private static func buildAsMapping(_ node: Node) -> Node? {
        if node.mapping != nil { return node }
        guard node.string != nil else { return nil }
        let entry = Mapping.Entry(key: "context", keyLocation: node.location, value: node)
        return Node(.mapping(Mapping([entry])), at: node.location)
    }
}
