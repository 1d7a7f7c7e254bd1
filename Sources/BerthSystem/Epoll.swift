import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An epoll instance for the embedded servers' event loops (DNS, port proxy): one thread
/// serves many sockets without an async runtime. Level-triggered, tokens are caller-chosen.
public struct Epoll: Sendable {
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = Events(rawValue: UInt32(BERTH_EPOLLIN))
        public static let writable = Events(rawValue: UInt32(BERTH_EPOLLOUT))
        public static let error = Events(rawValue: UInt32(BERTH_EPOLLERR))
        public static let hangup = Events(rawValue: UInt32(BERTH_EPOLLHUP))
        public static let readHangup = Events(rawValue: UInt32(BERTH_EPOLLRDHUP))
    }

    public struct Event: Sendable {
        public var token: UInt64
        public var events: Events
    }

    public let descriptor: FileDescriptor

    public init() throws(SystemCallError) {
        let fd = try retryingOnInterrupt("epoll_create1", "EPOLL_CLOEXEC") { berth_epoll_create() }
        descriptor = FileDescriptor(rawValue: fd)
    }

    public func close() { descriptor.close() }

    public func add(_ fd: FileDescriptor, _ events: Events, token: UInt64) throws(SystemCallError) {
        try control(Int32(BERTH_EPOLL_CTL_ADD), fd, events, token: token, name: "EPOLL_CTL_ADD")
    }

    public func modify(_ fd: FileDescriptor, _ events: Events, token: UInt64) throws(SystemCallError) {
        try control(Int32(BERTH_EPOLL_CTL_MOD), fd, events, token: token, name: "EPOLL_CTL_MOD")
    }

    /// Removes `fd`; a descriptor that is about to be closed may already be gone, so no error.
    public func remove(_ fd: FileDescriptor) {
        _ = berth_epoll_ctl(descriptor.rawValue, Int32(BERTH_EPOLL_CTL_DEL), fd.rawValue, 0, 0)
    }

    private func control(_ op: Int32, _ fd: FileDescriptor, _ events: Events, token: UInt64, name: String)
        throws(SystemCallError)
    {
        try retryingOnInterrupt("epoll_ctl", "\(descriptor.rawValue), \(name), \(fd.rawValue)") {
            berth_epoll_ctl(descriptor.rawValue, op, fd.rawValue, events.rawValue, token)
        }
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and returns the ready descriptors.
    public func wait(maxEvents: Int = 128, timeoutMilliseconds: Int32) throws(SystemCallError) -> [Event] {
        let capacity = min(maxEvents, 256)
        var events = [UInt32](repeating: 0, count: capacity)
        var tokens = [UInt64](repeating: 0, count: capacity)
        let count: Int32
        while true {
            let n = berth_epoll_wait(descriptor.rawValue, &events, &tokens, Int32(capacity), timeoutMilliseconds)
            if n >= 0 {
                count = n
                break
            }
            let err = Errno.current
            if err == .interrupted { return [] }
            throw SystemCallError("epoll_wait", "\(descriptor.rawValue)", errno: err)
        }
        return (0..<Int(count)).map { Event(token: tokens[$0], events: Events(rawValue: events[$0])) }
    }
}

/// A wake-up descriptor, so another thread can interrupt an event loop (stop, reconfigure).
public struct EventNotifier: Sendable {
    public let descriptor: FileDescriptor

    public init() throws(SystemCallError) {
        let fd = try retryingOnInterrupt("eventfd", "0, EFD_CLOEXEC|EFD_NONBLOCK") {
            berth_eventfd()
        }
        descriptor = FileDescriptor(rawValue: fd)
    }

    public func signal() {
        var one: UInt64 = 1
        _ = Glibc.write(descriptor.rawValue, &one, 8)
    }

    /// Clears pending signals.
    public func drain() {
        var value: UInt64 = 0
        _ = Glibc.read(descriptor.rawValue, &value, 8)
    }

    public func close() { descriptor.close() }
}
