import BerthEncoding
import BerthSystem

/// A request on the supervisor's socket.
struct ControlRequest: Codable {
    enum Operation: String, Codable { case status, stop, kill, wait }
    var operation: Operation
    var signal: Int32?
    var graceMilliseconds: Int64?
}

struct ControlResponse: Codable {
    var state: ContainerState?
    var error: String?
}

/// Framing for the control socket: a 4-byte big-endian length, then that many bytes of JSON.
enum ControlChannel {
    static let maximumMessage = 1 << 20

    static func send(_ fd: FileDescriptor, _ value: some Encodable) throws(RuntimeError) {
        let body: [UInt8]
        do {
            body = Array(try JSONCoding.encodeString(value).utf8)
        } catch {
            throw .protocolError("cannot encode message: \(error)")
        }
        let n = UInt32(body.count)
        let header: [UInt8] = [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
        // MSG_NOSIGNAL: a peer that has just exited (a supervisor whose container finished
        // between the CLI's connect and its request) is an EPIPE the caller handles, not a
        // SIGPIPE that kills the CLI.
        try system { () throws(SystemCallError) in try Socket(descriptor: fd).sendAll(header + body) }
    }

    static func receive<T: Decodable>(_ type: T.Type, from fd: FileDescriptor) throws(RuntimeError) -> T {
        let header = try readExactly(fd, 4)
        let n = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard n <= maximumMessage else { throw .protocolError("message of \(n) bytes is too large") }
        let body = try readExactly(fd, n)
        do {
            return try JSONCoding.decode(type, from: body)
        } catch {
            throw .protocolError("malformed message: \(error)")
        }
    }

    static func readExactly(_ fd: FileDescriptor, _ count: Int) throws(RuntimeError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let n = try system { () throws(SystemCallError) in
                try result.withUnsafeMutableBytes { raw in
                    Result { () throws(SystemCallError) in
                        try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[offset...]))
                    }
                }.get()
            }
            if n == 0 { throw .protocolError("connection closed after \(offset) of \(count) bytes") }
            offset += n
        }
        return result
    }
}
