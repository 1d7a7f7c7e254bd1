import BerthSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Turns a directory tree into a tar stream (for `image import DIR`): sorted names so the same
/// tree gives the same layer digest, hard links kept as links, symlinks never followed,
/// xattrs as PAX `SCHILY.xattr.*`.
final class RootfsArchiver {
    private let writer: TarWriter
    private var seenInodes: [FileIdentity: String] = [:]
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)

    private struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    init(_ writer: TarWriter) { self.writer = writer }

    deinit { buffer.deallocate() }

    func archive(directory path: String) throws {
        let root = try FileDescriptor.open(path, DirectoryTree.directoryFlags)
        defer { root.close() }
        try walk(root, prefix: "", shown: path)
        try writer.finish()
    }

    private func walk(_ directory: FileDescriptor, prefix: String, shown: String) throws {
        for name in try directory.directoryEntryNames().sorted() {
            guard let status = try directory.statusAt(name) else { continue }
            let path = prefix + name
            var entry = TarEntry(
                path: path, kind: .regular, mode: status.permissions, uid: status.uid, gid: status.gid,
                modificationSeconds: status.modificationSeconds,
                extendedAttributes: try directory.extendedAttributesAt(name).map { .init(name: $0.0, value: $0.1) })
            switch status.fileType {
            case UInt32(S_IFDIR):
                entry.kind = .directory
                try writer.writeHeader(entry)
                let child = try directory.openAt(name, DirectoryTree.directoryFlags)
                defer { child.close() }
                try walk(child, prefix: path + "/", shown: shown)
            case UInt32(S_IFLNK):
                entry.kind = .symbolicLink
                entry.linkTarget = try directory.readLinkAt(name)
                try writer.writeHeader(entry)
            case UInt32(S_IFREG):
                let identity = FileIdentity(device: status.device, inode: status.inode)
                if status.linkCount > 1, let first = seenInodes[identity] {
                    entry.kind = .hardLink
                    entry.linkTarget = first
                    try writer.writeHeader(entry)
                    continue
                }
                if status.linkCount > 1 { seenInodes[identity] = path }
                entry.size = status.size
                try writer.writeHeader(entry)
                try copyContent(name, in: directory, size: status.size, shown: "\(shown)/\(path)")
            case UInt32(S_IFCHR), UInt32(S_IFBLK):
                entry.kind = status.fileType == UInt32(S_IFCHR) ? .characterDevice : .blockDevice
                entry.deviceMajor = deviceMajor(status.specialDevice)
                entry.deviceMinor = deviceMinor(status.specialDevice)
                try writer.writeHeader(entry)
            case UInt32(S_IFIFO):
                entry.kind = .fifo
                try writer.writeHeader(entry)
            default:
                throw ImageError.unsafeTarEntry(
                    entry: "\(shown)/\(path)",
                    reason: "sockets cannot be stored in an image layer; remove it from the tree")
            }
        }
    }

    private func copyContent(_ name: String, in directory: FileDescriptor, size: Int64, shown: String) throws {
        let file = try directory.openAt(name, O_RDONLY | O_NOFOLLOW)
        defer { file.close() }
        var left = size
        while left > 0 {
            let want = Int(min(Int64(buffer.count), left))
            let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            guard n > 0 else { throw ImageError.malformedTar("\(shown) shrank while it was being archived") }
            try writer.writeContent(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            left -= Int64(n)
        }
    }
}
