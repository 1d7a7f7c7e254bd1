import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A network namespace held open by a descriptor. The namespace lives as long as some
/// descriptor, process or bind mount refers to it, so closing the last handle of a namespace
/// made by `create()` removes it and every interface inside it.
public struct NetworkNamespace: Hashable, Sendable, CustomStringConvertible {
    public let descriptor: FileDescriptor

    public init(descriptor: FileDescriptor) { self.descriptor = descriptor }

    public var description: String { "network namespace (fd \(descriptor.rawValue))" }

    /// Opens a namespace file, e.g. `/proc/<pid>/ns/net` of a container's init process.
    public static func open(path: String) throws(SystemCallError) -> NetworkNamespace {
        NetworkNamespace(descriptor: try FileDescriptor.open(path, O_RDONLY))
    }

    /// The calling thread's namespace.
    public static func current() throws(SystemCallError) -> NetworkNamespace {
        try open(path: "/proc/thread-self/ns/net")
    }

    /// Makes a new, empty namespace (only a down `lo`) without touching the calling thread:
    /// a throwaway thread unshares and hands back a descriptor to its namespace.
    public static func create() throws -> NetworkNamespace {
        try runOnDedicatedThread { () throws(SystemCallError) -> NetworkNamespace in
            try retryingOnInterrupt("unshare", "CLONE_NEWNET") { berth_unshare_net() }
            return try current()
        }
    }

    public func close() { descriptor.close() }

    /// Runs `body` on a dedicated thread that has entered this namespace. Sockets (including
    /// netlink ones) opened inside stay bound to the namespace after the thread is gone.
    public func run<T>(_ body: () throws -> T) throws -> T {
        try runOnDedicatedThread {
            try retryingOnInterrupt("setns", "\(descriptor.rawValue), CLONE_NEWNET") {
                berth_setns_net(descriptor.rawValue)
            }
            return try body()
        }
    }
}
