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

    /// Waits (bounded by `timeout`) until the kernel has deleted `interfaces`, as it does for
    /// the veths of a namespace that was unpinned; returns those still present.
    static func waitUntilGone(_ interfaces: [String], timeout: Duration) -> [String] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var present = interfaces
        while true {
            present = present.filter { access("/sys/class/net/\($0)", F_OK) == 0 }
            if present.isEmpty || clock.now >= deadline { return present }
            usleep(5_000)
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
