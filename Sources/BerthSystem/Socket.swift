import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An IPv4 TCP or UDP socket. Like `FileDescriptor` it is closed explicitly by its owner.
/// Every call that can block on a non-blocking socket reports "would block" as `nil`
/// rather than as an error, because event loops treat it as a normal outcome.
public struct Socket: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case tcp
        case udp
    }

    public let descriptor: FileDescriptor

    public init(descriptor: FileDescriptor) { self.descriptor = descriptor }

    public var description: String { "socket \(descriptor.rawValue)" }

    /// Opens a close-on-exec IPv4 socket, non-blocking when asked.
    public static func open(_ kind: Kind, nonBlocking: Bool = false) throws(SystemCallError) -> Socket {
        let type = kind == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        var flags = Int32(SOCK_CLOEXEC.rawValue)
        if nonBlocking { flags |= Int32(SOCK_NONBLOCK.rawValue) }
        let fd = try retryingOnInterrupt("socket", "AF_INET, \(kind == .tcp ? "SOCK_STREAM" : "SOCK_DGRAM")") {
            socket(AF_INET, type | flags, 0)
        }
        return Socket(descriptor: FileDescriptor(rawValue: fd))
    }

    public func close() { descriptor.close() }

    public func setReuseAddress() throws(SystemCallError) {
        try setOption(SOL_SOCKET, SO_REUSEADDR, 1, name: "SO_REUSEADDR")
    }

    public func setNoDelay() throws(SystemCallError) {
        try setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1, name: "TCP_NODELAY")
    }

    public func setOption(_ level: Int32, _ option: Int32, _ value: Int32, name: String) throws(SystemCallError) {
        var value = value
        try retryingOnInterrupt("setsockopt", "\(descriptor.rawValue), \(name), \(value)") {
            setsockopt(descriptor.rawValue, level, option, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    public func setNonBlocking(_ enabled: Bool) throws(SystemCallError) {
        let flags = try retryingOnInterrupt("fcntl", "\(descriptor.rawValue), F_GETFL") {
            fcntl(descriptor.rawValue, F_GETFL)
        }
        let updated = enabled ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        try retryingOnInterrupt("fcntl", "\(descriptor.rawValue), F_SETFL, \(updated)") {
            fcntl(descriptor.rawValue, F_SETFL, updated)
        }
    }

    public func bind(to address: SocketAddressV4) throws(SystemCallError) {
        let fd = descriptor.rawValue
        try retryingOnInterrupt("bind", "\(fd), \(address)") {
            address.withSockaddr { Glibc.bind(fd, $0, $1) }
        }
    }

    public func listen(backlog: Int32 = 512) throws(SystemCallError) {
        try retryingOnInterrupt("listen", "\(descriptor.rawValue), \(backlog)") {
            Glibc.listen(descriptor.rawValue, backlog)
        }
    }

    /// Accepts one connection as a non-blocking, close-on-exec socket; `nil` when none is
    /// pending on a non-blocking listener.
    public func accept() throws(SystemCallError) -> (Socket, SocketAddressV4)? {
        var peer = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &peer) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    berth_accept4(
                        descriptor.rawValue, $0, &length, Int32(SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue))
                }
            }
            if fd >= 0 { return (Socket(descriptor: FileDescriptor(rawValue: fd)), SocketAddressV4(peer)) }
            let err = Errno.current
            if err == .interrupted { continue }
            // A connection that died in the queue is not the listener's failure.
            if err == .again || err.rawValue == ECONNABORTED { return nil }
            throw SystemCallError("accept4", "\(descriptor.rawValue)", errno: err)
        }
    }

    /// Starts a connection on a non-blocking socket; `false` means it is in progress and
    /// completes when the socket turns writable (then read `pendingError()`).
    public func startConnect(to address: SocketAddressV4) throws(SystemCallError) -> Bool {
        let fd = descriptor.rawValue
        let result = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        if result == 0 { return true }
        let err = Errno.current
        if err.rawValue == EINPROGRESS || err == .interrupted { return false }
        throw SystemCallError("connect", "\(fd), \(address)", errno: err)
    }

    /// Connects with a deadline, so a peer that drops packets costs at most `timeout`.
    public func connect(to address: SocketAddressV4, timeout: Duration) throws(SystemCallError) {
        try setNonBlocking(true)
        if try !startConnect(to: address) {
            let ready = try Poll.wait(for: descriptor, events: Int16(POLLOUT), timeout: timeout)
            if !ready {
                throw SystemCallError(
                    "connect", "\(descriptor.rawValue), \(address)", errno: Errno(rawValue: ETIMEDOUT))
            }
            if let err = try pendingError() {
                throw SystemCallError("connect", "\(descriptor.rawValue), \(address)", errno: err)
            }
        }
        try setNonBlocking(false)
    }

    /// The socket's SO_ERROR, e.g. the outcome of a non-blocking connect.
    public func pendingError() throws(SystemCallError) -> Errno? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        try retryingOnInterrupt("getsockopt", "\(descriptor.rawValue), SO_ERROR") {
            getsockopt(descriptor.rawValue, SOL_SOCKET, SO_ERROR, &value, &length)
        }
        return value == 0 ? nil : Errno(rawValue: value)
    }

    public func localAddress() throws(SystemCallError) -> SocketAddressV4 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try retryingOnInterrupt("getsockname", "\(descriptor.rawValue)") {
            withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    getsockname(descriptor.rawValue, $0, &length)
                }
            }
        }
        return SocketAddressV4(address)
    }

    /// Sends what the kernel takes now; `nil` when a non-blocking socket is full.
    public func send(_ buffer: UnsafeRawBufferPointer) throws(SystemCallError) -> Int? {
        while true {
            let n = Glibc.send(descriptor.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return n }
            let err = Errno.current
            if err == .interrupted { continue }
            if err == .again { return nil }
            throw SystemCallError("send", "\(descriptor.rawValue), \(buffer.count)", errno: err)
        }
    }

    /// Sends all of `bytes` on a blocking socket.
    public func sendAll(_ bytes: [UInt8]) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(SystemCallError) in try send(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }
            let sent = try result.get()
            guard let sent else {
                _ = try Poll.wait(for: descriptor, events: Int16(POLLOUT), timeout: .seconds(5))
                continue
            }
            offset += sent
        }
    }

    /// Receives into `buffer`; 0 means the peer closed its side, `nil` means nothing yet.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int? {
        while true {
            let n = recv(descriptor.rawValue, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            let err = Errno.current
            if err == .interrupted { continue }
            if err == .again { return nil }
            throw SystemCallError("recv", "\(descriptor.rawValue), \(buffer.count)", errno: err)
        }
    }

    /// Sends one datagram to `address`; `nil` when the socket buffer is full.
    public func send(_ buffer: UnsafeRawBufferPointer, to address: SocketAddressV4) throws(SystemCallError) -> Int? {
        let fd = descriptor.rawValue
        while true {
            let n = address.withSockaddr { sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), $0, $1) }
            if n >= 0 { return n }
            let err = Errno.current
            if err == .interrupted { continue }
            if err == .again { return nil }
            throw SystemCallError("sendto", "\(fd), \(buffer.count), \(address)", errno: err)
        }
    }

    /// Receives one datagram and its sender; `nil` when none is queued.
    public func receiveFrom(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> (
        Int, SocketAddressV4
    )? {
        var peer = sockaddr_in()
        while true {
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let n = withUnsafeMutablePointer(to: &peer) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(descriptor.rawValue, buffer.baseAddress, buffer.count, 0, $0, &length)
                }
            }
            if n >= 0 { return (n, SocketAddressV4(peer)) }
            let err = Errno.current
            if err == .interrupted { continue }
            if err == .again { return nil }
            throw SystemCallError("recvfrom", "\(descriptor.rawValue), \(buffer.count)", errno: err)
        }
    }

    /// Closes the sending direction so the peer reads end-of-stream while replies can still come back.
    public func shutdownWrite() {
        _ = shutdown(descriptor.rawValue, Int32(SHUT_WR))
    }
}
