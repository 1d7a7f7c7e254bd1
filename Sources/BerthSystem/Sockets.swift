import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// socketpair(2) and unix-socket helpers for the supervisor's control channel.
public enum Sockets {
    public static func pair(type: Int32 = Int32(SOCK_SEQPACKET.rawValue)) throws(SystemCallError)
        -> (FileDescriptor, FileDescriptor)
    {
        var fds: [Int32] = [0, 0]
        try retryingOnInterrupt("socketpair", "AF_UNIX, \(type)") {
            socketpair(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
        }
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    /// A socket path longer than sun_path (108 bytes, a deep berth root with a long container
    /// name) is reached through a descriptor of its directory: `/proc/self/fd/N/NAME` is always
    /// short, and the kernel resolves it to the same inode, so no name has to be limited by
    /// the depth of the root.
    private static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T)
        throws(SystemCallError) -> T
    {
        let limit = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        guard path.utf8.count >= limit, let slash = path.lastIndex(of: "/") else {
            return try withShortAddress(path, body)
        }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        let fd = try retryingOnInterrupt("open", "\"\(directory)\", O_RDONLY|O_DIRECTORY") {
            open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        defer { close(fd) }
        return try withShortAddress("/proc/self/fd/\(fd)/\(path[path.index(after: slash)...])", body)
    }

    private static func withShortAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T)
        throws(SystemCallError) -> T
    {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemCallError("socket", "\"\(path)\" longer than sun_path", errno: Errno(rawValue: ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    /// A listening unix stream socket at `path` (an old socket file is replaced).
    public static func listen(path: String) throws(SystemCallError) -> FileDescriptor {
        let fd = FileDescriptor(
            rawValue: try retryingOnInterrupt("socket", "AF_UNIX") {
                socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            })
        unlink(path)
        let result = try withAddress(path) { bind(fd.rawValue, $0, $1) }
        if result != 0 {
            let error = SystemCallError("bind", "\"\(path)\"")
            fd.close()
            throw error
        }
        try retryingOnInterrupt("listen", "\"\(path)\"") { Glibc.listen(fd.rawValue, 16) }
        return fd
    }

    public static func connect(path: String) throws(SystemCallError) -> FileDescriptor {
        let fd = FileDescriptor(
            rawValue: try retryingOnInterrupt("socket", "AF_UNIX") {
                socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            })
        let result = try withAddress(path) { Glibc.connect(fd.rawValue, $0, $1) }
        if result != 0 {
            let error = SystemCallError("connect", "\"\(path)\"")
            fd.close()
            throw error
        }
        return fd
    }

    public static func accept(_ listener: FileDescriptor) throws(SystemCallError) -> FileDescriptor {
        FileDescriptor(
            rawValue: try retryingOnInterrupt("accept4", "\(listener.rawValue)") {
                berth_accept_cloexec(listener.rawValue)
            })
    }
}
