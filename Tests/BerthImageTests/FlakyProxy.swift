import Foundation
import Synchronization

@testable import BerthImage

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback HTTP proxy in front of the test registry that misbehaves on purpose: the first
/// manifest request gets a 503, the first full download of each blob is cut off halfway.
/// Each connection carries one request (`Connection: close`).
final class FlakyProxy: @unchecked Sendable {
    /// What the proxy does wrong (or demands).
    struct Behaviour: Sendable {
        var failFirstManifest = true
        var cutBlobs = true
        /// Require `Authorization: Bearer <token>`, handing the token out at `/token`.
        var bearerToken: String?
    }

    struct Log {
        var tokenRequests: [String] = []
        var unauthorized = 0
        var cutBlobs: Set<String> = []
        var rangeRequests: [String] = []
        var served503 = false
    }

    let port: UInt16
    let log = Mutex(Log())
    private let listener: Int32
    private let upstreamPort: UInt16
    private let stopped = Atomic<Bool>(false)

    var host: String { "127.0.0.1:\(port)" }

    private let behaviour: Behaviour

    init(upstreamPort: UInt16, behaviour: Behaviour = Behaviour()) throws {
        self.upstreamPort = upstreamPort
        self.behaviour = behaviour
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = FlakyProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw ImageError.registry("proxy: bind/listen failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        self.listener = listener
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            Thread.detachNewThread { [self] in
                handle(client)
                close(client)
            }
        }
    }

    private func handle(_ client: Int32) {
        guard var head = readHead(client) else { return }
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.first ?? ""
        let path = requestLine.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let hasRange = lines.contains { $0.lowercased().hasPrefix("range:") }
        head =
            lines.filter { !$0.lowercased().hasPrefix("connection:") && !$0.isEmpty }.joined(separator: "\r\n")
            + "\r\nConnection: close\r\n\r\n"
        if let token = behaviour.bearerToken {
            if path.hasPrefix("/token") {
                log.withLock { $0.tokenRequests.append(path) }
                let body = #"{"token":"\#(token)"}"#
                send(client, Array(FlakyProxy.response("200 OK", body: body).utf8))
                return
            }
            guard lines.contains(where: { $0.lowercased() == "authorization: bearer \(token)" }) else {
                log.withLock { $0.unauthorized += 1 }
                let challenge =
                    #"WWW-Authenticate: Bearer realm="http://127.0.0.1:\#(port)/token",service="berth-test""#
                send(client, Array(FlakyProxy.response("401 Unauthorized", extra: challenge).utf8))
                return
            }
        }
        if behaviour.failFirstManifest && path.contains("/manifests/") {
            let first = log.withLock { log in
                defer { log.served503 = true }
                return !log.served503
            }
            if first {
                send(
                    client,
                    Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
                return
            }
        }
        guard let response = forward(Array(head.utf8)) else { return }
        if behaviour.cutBlobs && path.contains("/blobs/") {
            if hasRange { log.withLock { $0.rangeRequests.append(path) } }
            let cut = !hasRange && log.withLock { log in log.cutBlobs.insert(path).inserted }
            if cut, let split = response.firstRange(of: Array("\r\n\r\n".utf8)) {
                let bodyCount = response.count - split.upperBound
                if bodyCount > 1000 {
                    send(client, Array(response[0..<(split.upperBound + bodyCount / 2)]))
                    return
                }
            }
        }
        send(client, response)
    }

    private func readHead(_ socket: Int32) -> String? {
        var data: [UInt8] = []
        var byte: UInt8 = 0
        while data.count < 65536 {
            guard recv(socket, &byte, 1, 0) == 1 else { return nil }
            data.append(byte)
            if data.count >= 4 && data.suffix(4) == Array("\r\n\r\n".utf8) {
                return String(decoding: data, as: UTF8.self)
            }
        }
        return nil
    }

    private func forward(_ request: [UInt8]) -> [UInt8]? {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = FlakyProxy.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        send(upstream, request)
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(upstream, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
        }
        return response
    }

    private func send(_ socket: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            offset += n
        }
    }

    private static func response(_ status: String, extra: String? = nil, body: String = "") -> String {
        var head = "HTTP/1.1 \(status)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        if !body.isEmpty { head += "Content-Type: application/json\r\n" }
        if let extra { head += extra + "\r\n" }
        return head + "\r\n" + body
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
