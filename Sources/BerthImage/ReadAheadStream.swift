import BerthSystem
import Foundation

/// Reads its upstream on a thread of its own, a few chunks ahead of the reader. Unpacking a
/// gzip layer is two halves of similar cost, inflating (and hashing) the stream and creating
/// the files; with the first on this thread the second no longer waits for it.
///
/// `finish()` must be called before the upstream's resources go away: it stops the thread
/// and waits for it, after which the upstream may be read directly again.
final class ReadAheadStream: ByteStream, @unchecked Sendable {
    // `ready`, `ended`, `failure` and `stopping` are guarded by `condition`.
    private let upstream: any ByteStream
    private let condition = NSCondition()
    private var ready: [[UInt8]] = []
    private var ended = false
    private var failure: (any Error)?
    private var stopping = false
    private var thread: JoinableThread?
    private var current: [UInt8] = []
    private var offset = 0

    private static let chunkSize = 1 << 20
    private static let depth = 4

    init(_ upstream: any ByteStream) throws {
        self.upstream = upstream
        thread = try JoinableThread { [self] in produce() }
    }

    deinit { finish() }

    private func produce() {
        while true {
            var chunk = [UInt8](repeating: 0, count: ReadAheadStream.chunkSize)
            let outcome = Result { try chunk.withUnsafeMutableBytes { try upstream.readFully(into: $0) } }
            condition.lock()
            defer {
                condition.broadcast()
                condition.unlock()
            }
            switch outcome {
            case .failure(let error):
                failure = error
                return
            case .success(let count):
                if count == 0 {
                    ended = true
                    return
                }
                chunk.removeLast(chunk.count - count)
                while ready.count >= ReadAheadStream.depth && !stopping { condition.wait() }
                if stopping { return }
                ready.append(chunk)
            }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset == current.count {
            condition.lock()
            while ready.isEmpty && !ended && failure == nil { condition.wait() }
            if ready.isEmpty {
                let error = failure
                condition.unlock()
                if let error { throw error }
                return 0
            }
            current = ready.removeFirst()
            offset = 0
            condition.broadcast()
            condition.unlock()
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { raw in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + count]))
        }
        offset += count
        return count
    }

    /// Stops reading ahead and waits for the thread to end.
    func finish() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        thread?.join()
        thread = nil
    }
}
