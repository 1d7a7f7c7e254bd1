#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An owned file descriptor number. It does not close itself: owners call `close()`
/// explicitly (usually in a `defer`), which keeps descriptor lifetimes visible in code
/// that forks, passes descriptors over sockets, or execs.
public struct FileDescriptor: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let standardInput = FileDescriptor(rawValue: 0)
    public static let standardOutput = FileDescriptor(rawValue: 1)
    public static let standardError = FileDescriptor(rawValue: 2)
    /// The "current directory" anchor for the *at() calls.
    public static let currentDirectory = FileDescriptor(rawValue: AT_FDCWD)

    public var description: String { "fd \(rawValue)" }

    /// Opens `path` relative to this directory descriptor; always close-on-exec, so no
    /// descriptor leaks into a container by accident.
    public func openAt(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(SystemCallError) -> FileDescriptor {
        let fd = try retryingOnInterrupt("openat", "\(rawValue), \"\(path)\", \(flags)") {
            openat(rawValue, path, flags | O_CLOEXEC, mode)
        }
        return FileDescriptor(rawValue: fd)
    }

    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(SystemCallError)
        -> FileDescriptor
    {
        try FileDescriptor.currentDirectory.openAt(path, flags, mode: mode)
    }

    public func close() {
        _ = Glibc.close(rawValue)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        try retryingOnInterrupt("read", "\(rawValue), \(buffer.count)") {
            Glibc.read(rawValue, buffer.baseAddress, buffer.count)
        }
    }

    /// Writes all of `buffer`, looping over short writes.
    public func writeAll(_ buffer: UnsafeRawBufferPointer) throws(SystemCallError) {
        var offset = 0
        while offset < buffer.count {
            let n = try retryingOnInterrupt("write", "\(rawValue), \(buffer.count - offset)") {
                Glibc.write(rawValue, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            offset += n
        }
    }

    public func writeAll(_ bytes: some Sequence<UInt8>) throws(SystemCallError) {
        let array = Array(bytes)
        let result: Result<Void, SystemCallError> = array.withUnsafeBytes { raw in
            Result { () throws(SystemCallError) in try writeAll(raw) }
        }
        try result.get()
    }

    public func sync() throws(SystemCallError) {
        try retryingOnInterrupt("fsync", "\(rawValue)") { fsync(rawValue) }
    }
}
