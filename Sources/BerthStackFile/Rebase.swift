/// Makes the relative paths of a service (or of top-level configs/secrets) absolute.
/// Needed when a definition written in one directory is used by a project rooted in
/// another (`extends.file`, `include`): its `./data` meant "next to that file".
enum Rebase {
    static func service(_ node: Node, from directory: String) -> Node {
        guard var mapping = node.mapping else { return node }
        for entry in mapping.entries {
            let value = entry.value
            let rebased: Node?
            switch entry.key {
            case "build": rebased = build(value, directory)
            case "env_file": rebased = envFile(value, directory)
            case "volumes": rebased = volumes(value, directory)
            case "label_file": rebased = listOfPaths(value, directory)
            case "extends": rebased = extends(value, directory)
            default: rebased = nil
            }
            if let rebased { mapping[entry.key, at: entry.keyLocation] = rebased }
        }
        var copy = node
        copy.kind = .mapping(mapping)
        return copy
    }

    /// Top-level `configs:`/`secrets:` definitions with `file:`.
    static func fileResources(_ node: Node, from directory: String) -> Node {
        guard var resources = node.mapping else { return node }
        for entry in resources.entries {
            guard var definition = entry.value.mapping, let fileEntry = definition.entry("file"),
                let rebased = path(fileEntry.value, directory)
            else { continue }
            definition["file", at: fileEntry.keyLocation] = rebased
            var value = entry.value
            value.kind = .mapping(definition)
            resources[entry.key, at: entry.keyLocation] = value
        }
        var copy = node
        copy.kind = .mapping(resources)
        return copy
    }

    /// A scalar path made absolute, keeping position and style; nil if nothing changes.
    static func path(_ node: Node, _ directory: String) -> Node? {
        guard let scalar = node.scalar, !scalar.isNull, !scalar.text.isEmpty, !Paths.isAbsolute(scalar.text),
            !scalar.text.hasPrefix("~")
        else { return nil }
        var copy = node
        copy.kind = .scalar(Scalar(Paths.absolute(scalar.text, relativeTo: directory), style: scalar.style))
        return copy
    }

    static func isRemote(_ text: String) -> Bool {
        text.contains("://") || text.hasPrefix("git@") || text.hasPrefix("github.com/")
    }

    private static func build(_ node: Node, _ directory: String) -> Node? {
        if let text = node.string { return isRemote(text) ? nil : path(node, directory) }
        guard var mapping = node.mapping else { return nil }
        if let context = mapping.entry("context"), let text = context.value.string, !isRemote(text),
            let rebased = path(context.value, directory)
        {
            mapping["context", at: context.keyLocation] = rebased
        } else if mapping["context"] == nil {
            // The default context is the directory of the file that defined the build.
            let location = node.location
            mapping["context", at: location] = Node(.scalar(Scalar(directory, style: .plain)), at: location)
        }
        if let extra = mapping.entry("additional_contexts"), var contexts = extra.value.mapping {
            for entry in contexts.entries {
                guard let text = entry.value.string, !isRemote(text), !text.hasPrefix("docker-image:"),
                    !text.hasPrefix("service:"), let rebased = path(entry.value, directory)
                else { continue }
                contexts[entry.key, at: entry.keyLocation] = rebased
            }
            var value = extra.value
            value.kind = .mapping(contexts)
            mapping["additional_contexts", at: extra.keyLocation] = value
        }
        var copy = node
        copy.kind = .mapping(mapping)
        return copy
    }

    private static func envFile(_ node: Node, _ directory: String) -> Node? {
        if node.scalar != nil { return path(node, directory) }
        guard let items = node.sequence else { return nil }
        var copy = node
        copy.kind = .sequence(
            items.map { item in
                if item.scalar != nil { return path(item, directory) ?? item }
                guard var m = item.mapping, let p = m.entry("path"), let rebased = path(p.value, directory) else {
                    return item
                }
                m["path", at: p.keyLocation] = rebased
                var changed = item
                changed.kind = .mapping(m)
                return changed
            })
        return copy
    }

    private static func listOfPaths(_ node: Node, _ directory: String) -> Node? {
        if node.scalar != nil { return path(node, directory) }
        guard let items = node.sequence else { return nil }
        var copy = node
        copy.kind = .sequence(items.map { path($0, directory) ?? $0 })
        return copy
    }

    /// Bind mounts written `./x:/y`, `../x:/y` or `.:/y`, and long-form `type: bind` sources.
    private static func volumes(_ node: Node, _ directory: String) -> Node? {
        guard let items = node.sequence else { return nil }
        var copy = node
        copy.kind = .sequence(
            items.map { item in
                if let scalar = item.scalar, !scalar.isNull {
                    let text = scalar.text
                    guard text.hasPrefix("."), let colon = text.firstIndex(of: ":") else { return item }
                    let source = String(text[..<colon])
                    let rest = text[colon...]
                    var changed = item
                    changed.kind = .scalar(
                        Scalar(Paths.absolute(source, relativeTo: directory) + rest, style: scalar.style))
                    return changed
                }
                guard var m = item.mapping, m["type"]?.string == "bind", let source = m.entry("source"),
                    let rebased = path(source.value, directory)
                else { return item }
                m["source", at: source.keyLocation] = rebased
                var changed = item
                changed.kind = .mapping(m)
                return changed
            })
        return copy
    }

    private static func extends(_ node: Node, _ directory: String) -> Node? {
        guard var m = node.mapping, let file = m.entry("file"), let rebased = path(file.value, directory) else {
            return nil
        }
        m["file", at: file.keyLocation] = rebased
        var copy = node
        copy.kind = .mapping(m)
        return copy
    }
}
