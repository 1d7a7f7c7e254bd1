import BerthSystem
import Synchronization

@testable import BerthNetwork

/// A TCP server on 127.0.0.1 for proxy tests. `identify` reads the request to end-of-stream
/// and answers "<name>:<request>"; `echo` streams every byte back as it arrives.
final class TestTCPBackend: Sendable {
    enum Mode: Sendable {
        case identify
        case echo
    }

    let name: String
    let address: SocketAddressV4
    private let listener: Socket
    private let stopped = StopFlag()
    private let thread: JoinableThread

    init(name: String, mode: Mode) throws {
        self.name = name
        let listener = try Socket.open(.tcp)
        try listener.setReuseAddress()
        try listener.bind(to: .loopback(port: 0))
        try listener.listen()
        self.listener = listener
        address = try listener.localAddress()
        let stopped = self.stopped
        thread = try JoinableThread { [name] in
            while !stopped.isSet {
                guard
                    (try? Poll.wait(for: listener.descriptor, events: Int16(POLLIN_VALUE), timeout: .milliseconds(20)))
                        == true,
                    let (connection, _) = try? listener.accept()
                else { continue }
                try? connection.setNonBlocking(false)
                TestTCPBackend.serve(connection, name: name, mode: mode)
                connection.close()
            }
        }
    }

    private static func serve(_ connection: Socket, name: String, mode: Mode) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var request: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            guard
                (try? Poll.wait(for: connection.descriptor, events: Int16(POLLIN_VALUE), timeout: .seconds(1))) == true
            else { continue }
            guard let count = buffer.withUnsafeMutableBytes({ try? connection.receive(into: $0) }), count > 0 else {
                break
            }
            switch mode {
            case .identify: request += buffer.prefix(count)
            case .echo:
                guard (try? connection.sendAll(Array(buffer.prefix(count)))) != nil else { return }
            }
        }
        if mode == .identify { try? connection.sendAll(Array("\(name):".utf8) + request) }
    }

    func stop() {
        stopped.set()
        thread.join()
        listener.close()
    }
}

/// A UDP server on 127.0.0.1 answering each datagram with "<name>:<datagram>".
final class TestUDPBackend: Sendable {
    let name: String
    let address: SocketAddressV4
    private let socket: Socket
    private let stopped = StopFlag()
    private let thread: JoinableThread

    init(name: String) throws {
        self.name = name
        let socket = try Socket.open(.udp, nonBlocking: true)
        try socket.bind(to: .loopback(port: 0))
        self.socket = socket
        address = try socket.localAddress()
        let stopped = self.stopped
        thread = try JoinableThread { [name] in
            var buffer = [UInt8](repeating: 0, count: 2048)
            while !stopped.isSet {
                guard
                    (try? Poll.wait(for: socket.descriptor, events: Int16(POLLIN_VALUE), timeout: .milliseconds(20)))
                        == true,
                    let (count, peer) = buffer.withUnsafeMutableBytes({ try? socket.receiveFrom(into: $0) })
                else { continue }
                let reply = Array("\(name):".utf8) + buffer.prefix(count)
                _ = reply.withUnsafeBytes { try? socket.send($0, to: peer) }
            }
        }
    }

    func stop() {
        stopped.set()
        thread.join()
        socket.close()
    }
}

/// A loopback port that refuses connections: bound once, then released.
func refusingPort(_ kind: Socket.Kind) throws -> SocketAddressV4 {
    let socket = try Socket.open(kind)
    defer { socket.close() }
    try socket.bind(to: .loopback(port: 0))
    return try socket.localAddress()
}

/// One request through `address`: send, half-close, read the whole answer.
func request(_ text: String, to address: SocketAddressV4) throws -> String {
    let socket = try Socket.open(.tcp)
    defer { socket.close() }
    try socket.connect(to: address, timeout: .seconds(3))
    try socket.sendAll(Array(text.utf8))
    socket.shutdownWrite()
    return try readAll(socket, timeout: .seconds(5))
}

/// One datagram exchange from `socket` to `address`; nil when no answer came within `timeout`.
func exchange(_ text: String, on socket: Socket, to address: SocketAddressV4, timeout: Duration) throws -> String? {
    _ = try Array(text.utf8).withUnsafeBytes { try socket.send($0, to: address) }
    guard try Poll.wait(for: socket.descriptor, events: Int16(POLLIN_VALUE), timeout: timeout) else { return nil }
    var buffer = [UInt8](repeating: 0, count: 2048)
    guard let (count, _) = try buffer.withUnsafeMutableBytes({ try socket.receiveFrom(into: $0) }) else { return nil }
    return String(decoding: buffer.prefix(count), as: UTF8.self)
}

/// A flag another thread can raise, shared by reference.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
