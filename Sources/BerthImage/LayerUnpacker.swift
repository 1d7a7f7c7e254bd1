import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Writes a tar stream into a directory as an overlayfs lower layer.
///
/// Every entry is created relative to descriptors opened component by component with
/// O_NOFOLLOW, so neither `..`, absolute names, symlinks planted by earlier entries nor hard
/// links can make it write outside the directory. OCI whiteouts become what overlayfs reads:
/// `.wh.NAME` a 0/0 character device, `.wh..wh..opq` the `trusted.overlay.opaque` xattr.
final class LayerUnpacker {
    private let root: FileDescriptor
    private let convertWhiteouts: Bool
    private var cached: (components: [String], descriptor: FileDescriptor)?
    private var directoryMetadata: [String: TarEntry] = [:]
    private var directoryOrder: [[String]] = []
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)

    /// `root` stays owned by the caller.
    init(root: FileDescriptor, convertWhiteouts: Bool = true) {
        self.root = root
        self.convertWhiteouts = convertWhiteouts
    }

    deinit {
        cached?.descriptor.close()
        buffer.deallocate()
    }

    func unpack(_ reader: TarReader) throws {
        while let entry = try reader.next() {
            try apply(entry, reader: reader)
        }
        try finishDirectories()
    }

    private func apply(_ entry: TarEntry, reader: TarReader) throws {
        let path = try EntryPath(normalizing: entry.path, entry: entry.path)
        if path.isRoot {
            guard entry.kind == .directory else {
                throw ImageError.unsafeTarEntry(entry: entry.path, reason: "only a directory may name the layer root")
            }
            recordDirectory(path, entry)
            return
        }
        let parent = try parentDirectory(of: path, entry: entry.path)
        let name = path.name
        if convertWhiteouts && name.hasPrefix(".wh.") {
            try applyWhiteout(name: name, parent: parent, entry: entry)
            return
        }
        if entry.kind == .directory {
            do {
                try parent.makeDirectoryAt(name, mode: 0o700)
            } catch {
                guard error.errno == .exists else { throw error }
                // A directory again (layers repeat them): keep it and its contents.
                if let existing = try parent.statusAt(name), existing.isDirectory {
                    try setOwnerAndAttributes(entry, name: name, parent: parent)
                    recordDirectory(path, entry)
                    return
                }
                try removeExisting(name, in: parent, entry: entry.path)
                try parent.makeDirectoryAt(name, mode: 0o700)
            }
            try setOwnerAndAttributes(entry, name: name, parent: parent)
            recordDirectory(path, entry)
            return
        }
        // Created first, replaced only when the name is taken (a later entry replacing an
        // earlier one): looking first would cost an `fstatat` per entry, on a path where file
        // creation is most of the time.
        do {
            try create(entry, name: name, parent: parent, reader: reader)
        } catch let error as SystemCallError {
            guard error.errno == .exists else { throw error }
            try removeExisting(name, in: parent, entry: entry.path)
            try create(entry, name: name, parent: parent, reader: reader)
        }
    }

    private func create(_ entry: TarEntry, name: String, parent: FileDescriptor, reader: TarReader) throws {
        switch entry.kind {
        case .regular:
            try writeFile(entry, name: name, parent: parent, reader: reader)
        case .symbolicLink:
            guard !entry.linkTarget.isEmpty else {
                throw ImageError.unsafeTarEntry(entry: entry.path, reason: "symbolic link with an empty target")
            }
            try parent.makeSymbolicLinkAt(name, target: entry.linkTarget)
            try setOwnerAndAttributes(entry, name: name, parent: parent)
            try parent.setTimesAt(name, seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds)
        case .hardLink:
            try makeHardLink(entry, name: name, parent: parent)
        case .characterDevice, .blockDevice, .fifo:
            let type: mode_t = entry.kind == .characterDevice ? S_IFCHR : entry.kind == .blockDevice ? S_IFBLK : S_IFIFO
            let device = entry.kind == .fifo ? 0 : makeDeviceNumber(major: entry.deviceMajor, minor: entry.deviceMinor)
            try parent.makeNodeAt(name, mode: type | 0o600, device: device)
            try setOwnerAndAttributes(entry, name: name, parent: parent)
            try parent.changeModeAt(name, mode: mode_t(entry.mode & 0o7777))
            try parent.setTimesAt(name, seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds)
        case .directory:
            break
        }
    }

    private func applyWhiteout(name: String, parent: FileDescriptor, entry: TarEntry) throws {
        if name == ".wh..wh..opq" {
            try parent.setExtendedAttribute("trusted.overlay.opaque", value: Array("y".utf8))
            return
        }
        guard !name.hasPrefix(".wh..wh.") else {
            throw ImageError.unsafeTarEntry(entry: entry.path, reason: "aufs metadata whiteouts are not supported")
        }
        let hidden = String(name.dropFirst(4))
        guard !hidden.isEmpty, hidden != ".", hidden != ".." else {
            throw ImageError.unsafeTarEntry(entry: entry.path, reason: "whiteout names no file")
        }
        if try parent.statusAt(hidden) != nil { try removeExisting(hidden, in: parent, entry: entry.path) }
        try parent.makeNodeAt(hidden, mode: S_IFCHR | 0o600, device: 0)
        try parent.changeOwnerAt(hidden, uid: 0, gid: 0)
    }

    private func writeFile(_ entry: TarEntry, name: String, parent: FileDescriptor, reader: TarReader) throws {
        let file = try parent.openAt(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
        defer { file.close() }
        var written: Int64 = 0
        while true {
            let n = try reader.readContent(into: buffer)
            if n == 0 { break }
            try file.writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            written += Int64(n)
        }
        guard written == entry.size else {
            throw ImageError.malformedTar("entry \"\(entry.path)\" ended after \(written) of \(entry.size) bytes")
        }
        try file.changeOwner(uid: entry.uid, gid: entry.gid)
        try file.changeMode(mode_t(entry.mode & 0o7777))
        for attribute in entry.extendedAttributes {
            try file.setExtendedAttribute(attribute.name, value: attribute.value)
        }
        try parent.setTimesAt(name, seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds)
    }

    private func makeHardLink(_ entry: TarEntry, name: String, parent: FileDescriptor) throws {
        let target = try EntryPath(normalizing: entry.linkTarget, entry: entry.path)
        guard !target.isRoot else {
            throw ImageError.unsafeTarEntry(entry: entry.path, reason: "hard link to the layer root")
        }
        let targetParent = try resolveDirectory(target.parent.components, entry: entry.path, create: false)
        defer { targetParent.close() }
        guard let status = try targetParent.statusAt(target.name) else {
            throw ImageError.unsafeTarEntry(
                entry: entry.path, reason: "hard link target \"\(entry.linkTarget)\" does not exist in this layer")
        }
        guard !status.isDirectory else {
            throw ImageError.unsafeTarEntry(
                entry: entry.path, reason: "hard link target \"\(entry.linkTarget)\" is a directory")
        }
        try parent.makeHardLinkAt(name, to: target.name, in: targetParent)
    }

    private func setOwnerAndAttributes(_ entry: TarEntry, name: String, parent: FileDescriptor) throws {
        try parent.changeOwnerAt(name, uid: entry.uid, gid: entry.gid)
        for attribute in entry.extendedAttributes {
            try parent.setExtendedAttributeAt(name, attribute: attribute.name, value: attribute.value)
        }
    }

    private func removeExisting(_ name: String, in parent: FileDescriptor, entry: String) throws {
        // The cache only ever holds `parent` itself, never something below `name`, so it
        // stays valid: later entries below a replaced `name` are resolved afresh.
        try DirectoryTree.remove(name, in: parent)
    }

    private func recordDirectory(_ path: EntryPath, _ entry: TarEntry) {
        let key = path.description
        if directoryMetadata[key] == nil { directoryOrder.append(path.components) }
        directoryMetadata[key] = entry
    }

    /// Directory modes and times are applied last: creating children would bump the mtime,
    /// and a read-only mode must not stop later entries.
    private func finishDirectories() throws {
        for components in directoryOrder {
            let path = EntryPath(components: components)
            guard let entry = directoryMetadata[path.description] else { continue }
            if path.isRoot {
                try root.changeMode(mode_t(entry.mode & 0o7777))
                try root.changeOwner(uid: entry.uid, gid: entry.gid)
                try root.setTimesAt(".", seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds)
                continue
            }
            let parent = try resolveDirectory(path.parent.components, entry: entry.path, create: false)
            defer { parent.close() }
            guard let status = try parent.statusAt(path.name), status.isDirectory else { continue }
            try parent.changeModeAt(path.name, mode: mode_t(entry.mode & 0o7777))
            try parent.setTimesAt(
                path.name, seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds)
        }
    }

    private func parentDirectory(of path: EntryPath, entry: String) throws -> FileDescriptor {
        let components = path.parent.components
        if let cached, cached.components == components { return cached.descriptor }
        let descriptor = try resolveDirectory(components, entry: entry, create: true)
        cached?.descriptor.close()
        cached = (components, descriptor)
        return descriptor
    }

    /// Opens `components` below the root one at a time with O_NOFOLLOW; a symlink anywhere on
    /// the way is refused. Missing directories are created (0755, root-owned) when `create`.
    private func resolveDirectory(_ components: [String], entry: String, create: Bool) throws -> FileDescriptor {
        var current = try root.openAt(".", DirectoryTree.directoryFlags)
        for (index, component) in components.enumerated() {
            let shown = components[0...index].joined(separator: "/")
            do {
                let status = try current.statusAt(component)
                if status == nil {
                    guard create else {
                        throw ImageError.unsafeTarEntry(
                            entry: entry, reason: "directory \"\(shown)\" does not exist in this layer")
                    }
                    try current.makeDirectoryAt(component, mode: 0o755)
                } else if let status, status.isSymbolicLink {
                    throw ImageError.unsafeTarEntry(
                        entry: entry,
                        reason:
                            "path component \"\(shown)\" is a symbolic link; writing through it could escape the layer")
                } else if let status, !status.isDirectory {
                    throw ImageError.unsafeTarEntry(
                        entry: entry, reason: "path component \"\(shown)\" is not a directory")
                }
                let next = try current.openAt(component, DirectoryTree.directoryFlags)
                current.close()
                current = next
            } catch {
                current.close()
                throw error
            }
        }
        return current
    }
}
