import BerthNetwork
import BerthSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A network namespace kept alive by a bind mount on a file (as `ip netns add` does), so it
/// exists before the container's process and can be wired up while nothing runs in it.
enum NamespaceFile {
    /// Creates the namespace, pins it at `path`, then lets `configure` wire it. On failure the
    /// pin is removed again, which drops the namespace and every interface inside it.
    static func create(at path: String, configure: (NetworkNamespace) throws -> Void) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let namespace = try NetworkNamespace.create()
        defer { namespace.close() }
        let file = try FileDescriptor.open(path, O_RDONLY | O_CREAT, mode: 0o444)
        file.close()
        do {
            try Mount.mount(
                source: "/proc/self/fd/\(namespace.descriptor.rawValue)", target: path, type: nil,
                flags: UInt(MS_BIND))
            try configure(namespace)
        } catch {
            try? remove(at: path)
            throw error
        }
    }

    /// Unpins and deletes the file; a missing file or mount is fine.
    static func remove(at path: String) throws {
        guard !path.isEmpty, access(path, F_OK) == 0 else { return }
        do throws(SystemCallError) {
            try Mount.unmount(path, flags: Int32(MNT_DETACH))
        } catch {
            if error.errno.rawValue != EINVAL && error.errno.rawValue != ENOENT { throw error }
        }
        if unlink(path) != 0 && errno != ENOENT { throw SystemCallError("unlink", "\"\(path)\"") }
    }
}
