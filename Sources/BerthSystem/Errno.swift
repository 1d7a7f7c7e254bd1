#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An errno value with its name and text, so an error message can say `EBUSY (Device or
/// resource busy)` rather than a bare number.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's current errno.
    public static var current: Errno { Errno(rawValue: errno) }

    public static let interrupted = Errno(rawValue: EINTR)
    public static let again = Errno(rawValue: EAGAIN)
    public static let noEntry = Errno(rawValue: ENOENT)
    public static let exists = Errno(rawValue: EEXIST)
    public static let busy = Errno(rawValue: EBUSY)
    public static let invalid = Errno(rawValue: EINVAL)
    public static let notPermitted = Errno(rawValue: EPERM)
    public static let noSuchProcess = Errno(rawValue: ESRCH)
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    public static let isDirectory = Errno(rawValue: EISDIR)
    public static let notEmpty = Errno(rawValue: ENOTEMPTY)
    public static let crossDevice = Errno(rawValue: EXDEV)
    public static let loop = Errno(rawValue: ELOOP)

    public var text: String { String(cString: strerror(rawValue)) }

    public var description: String { "\(Errno.symbol(rawValue) ?? "errno \(rawValue)") (\(text))" }

    static func symbol(_ value: Int32) -> String? {
        let names: [Int32: String] = [
            EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", ENXIO: "ENXIO",
            E2BIG: "E2BIG", ENOEXEC: "ENOEXEC", EBADF: "EBADF", ECHILD: "ECHILD", EAGAIN: "EAGAIN",
            ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY", EEXIST: "EEXIST",
            EXDEV: "EXDEV", ENODEV: "ENODEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL",
            ENFILE: "ENFILE", EMFILE: "EMFILE", ENOTTY: "ENOTTY", EFBIG: "EFBIG", ENOSPC: "ENOSPC",
            ESPIPE: "ESPIPE", EROFS: "EROFS", EMLINK: "EMLINK", EPIPE: "EPIPE", ERANGE: "ERANGE",
            ENAMETOOLONG: "ENAMETOOLONG", ENOSYS: "ENOSYS", ENOTEMPTY: "ENOTEMPTY", ELOOP: "ELOOP",
            ENODATA: "ENODATA", EOPNOTSUPP: "EOPNOTSUPP", EADDRINUSE: "EADDRINUSE",
            EADDRNOTAVAIL: "EADDRNOTAVAIL", ENETUNREACH: "ENETUNREACH", ECONNRESET: "ECONNRESET",
            ECONNREFUSED: "ECONNREFUSED", ETIMEDOUT: "ETIMEDOUT", EHOSTUNREACH: "EHOSTUNREACH",
            EALREADY: "EALREADY", EINPROGRESS: "EINPROGRESS", ENOTSOCK: "ENOTSOCK", ENOTCONN: "ENOTCONN",
        ]
        return names[value]
    }
}

/// A failed system call: which call, on what, and the errno, for messages like
/// `mount("overlay", "/var/lib/berth/...", ...) failed: EINVAL (Invalid argument)`.
public struct SystemCallError: Error, Sendable, CustomStringConvertible {
    public var call: String
    public var arguments: String
    public var errno: Errno

    public init(_ call: String, _ arguments: String = "", errno: Errno = .current) {
        self.call = call
        self.arguments = arguments
        self.errno = errno
    }

    public var description: String { "\(call)(\(arguments)) failed: \(errno)" }
}

/// Runs a system call, retrying while it is interrupted by a signal (EINTR), and turns
/// a -1 return into a `SystemCallError` that names the call and its arguments.
@discardableResult
public func retryingOnInterrupt<T: BinaryInteger>(
    _ call: String, _ arguments: @autoclosure () -> String, _ body: () -> T
) throws(SystemCallError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let err = Errno.current
        if err == .interrupted { continue }
        throw SystemCallError(call, arguments(), errno: err)
    }
}
