import CBerthCurl
import Foundation

/// The head of the final response of a GET (after redirects): status and headers, names
/// lowercased.
struct HTTPHead: Sendable {
    var status: Int
    var headers: [String: String]

    func value(_ name: String) -> String? { headers[name] }
}

/// A GET that failed below HTTP: no connection, a timeout, a body cut short.
struct HTTPTransportError: Error, CustomStringConvertible {
    var message: String
    var isTransient: Bool
    var description: String { message }
}

/// One blocking HTTP GET through libcurl (loaded on first use, see berth_curl.h): the
/// registry client needs GET with headers, ranges, redirects and a streamed body, nothing
/// more, and FoundationNetworking's URLSession cost every command ~30 shared objects at start.
final class HTTPGet {
    private let onHead: (HTTPHead) -> Bool
    private let onBody: (UnsafeRawBufferPointer) -> Bool
    private var head = HTTPHead(status: 0, headers: [:])
    private var headDelivered = false
    private var stopped = false

    private init(onHead: @escaping (HTTPHead) -> Bool, onBody: @escaping (UnsafeRawBufferPointer) -> Bool) {
        self.onHead = onHead
        self.onBody = onBody
    }

    /// GETs `url`. `onHead` sees the final response's head before any of its body and returns
    /// false to stop there; `onBody` gets the body in pieces and returns false to stop. A
    /// stopped transfer is not an error: the head is returned as usual.
    static func run(
        _ url: String, headers: [String] = [], range: String? = nil, idleTimeoutSeconds: Int = 60,
        onHead: (HTTPHead) -> Bool = { _ in true }, onBody: (UnsafeRawBufferPointer) -> Bool
    ) throws(HTTPTransportError) -> HTTPHead {
        let outcome: Result<HTTPHead, HTTPTransportError> = withoutActuallyEscaping(onHead) { onHead in
            withoutActuallyEscaping(onBody) { onBody in
                HTTPGet(onHead: onHead, onBody: onBody).perform(
                    url, headers: headers, range: range, idleTimeoutSeconds: idleTimeoutSeconds)
            }
        }
        return try outcome.get()
    }

    /// GETs a small document whole, refusing more than `limit` bytes.
    static func document(_ url: String, headers: [String] = [], limit: Int) throws(HTTPTransportError)
        -> (head: HTTPHead, body: [UInt8], complete: Bool)
    {
        var body: [UInt8] = []
        var complete = true
        let head = try run(url, headers: headers) { piece in
            guard body.count + piece.count <= limit else {
                complete = false
                return false
            }
            body.append(contentsOf: piece)
            return true
        }
        return (head, body, complete)
    }

    private func perform(_ url: String, headers: [String], range: String?, idleTimeoutSeconds: Int)
        -> Result<HTTPHead, HTTPTransportError>
    {
        var status = 0
        var message = [CChar](repeating: 0, count: 512)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let code: Int32 = url.withCString { urlPointer in
            let strings = headers.map { strdup($0) }
            defer { strings.forEach { free($0) } }
            let constants = strings.map { UnsafePointer($0) }
            return constants.withUnsafeBufferPointer { headerPointers in
                withOptionalCString(range) { rangePointer in
                    var request = berth_curl_request(
                        url: urlPointer, headers: headerPointers.baseAddress, header_count: headers.count,
                        range: rangePointer, idle_timeout_seconds: idleTimeoutSeconds,
                        on_header: { data, size, count, context in
                            guard let data, let context else { return 0 }
                            let get = Unmanaged<HTTPGet>.fromOpaque(context).takeUnretainedValue()
                            get.headerLine(UnsafeRawBufferPointer(start: data, count: size * count))
                            return size * count
                        },
                        on_body: { data, size, count, context in
                            guard let data, let context else { return 0 }
                            let get = Unmanaged<HTTPGet>.fromOpaque(context).takeUnretainedValue()
                            return get.body(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
                        },
                        context: context)
                    return berth_curl_get(&request, &status, &message, message.count)
                }
            }
        }
        if code != 0 && !(stopped && berth_curl_aborted_by_callback(code) != 0) {
            let text = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(HTTPTransportError(message: text, isTransient: berth_curl_is_transient(code) != 0))
        }
        if head.status == 0 { head.status = status }
        if !headDelivered && !stopped {
            headDelivered = true
            _ = onHead(head)
        }
        return .success(head)
    }

    /// A header line: a status line starts a new response (a redirect's, then the final one).
    private func headerLine(_ raw: UnsafeRawBufferPointer) {
        let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            let fields = line.split(separator: " ", maxSplits: 2)
            head = HTTPHead(status: fields.count > 1 ? Int(fields[1]) ?? 0 : 0, headers: [:])
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            head.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    private func body(_ piece: UnsafeRawBufferPointer) -> Bool {
        // A redirect's own body, should libcurl pass one on: not the answer.
        if (300..<400).contains(head.status) && head.headers["location"] != nil { return true }
        if !headDelivered {
            headDelivered = true
            guard onHead(head) else {
                stopped = true
                return false
            }
        }
        guard onBody(piece) else {
            stopped = true
            return false
        }
        return true
    }
}

private func withOptionalCString<T>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}

/// Runs blocking work (an HTTP transfer) on a thread of its own, so a pull's parallel
/// downloads do not occupy Swift's small cooperative thread pool.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
