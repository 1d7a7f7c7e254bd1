import BerthSystem

/// What one non-blocking read or write did, as event loops need to branch on it.
enum IOOutcome {
    case transferred(Int)
    case wouldBlock
    /// End of stream on read (the peer shut down its sending side).
    case endOfStream
    case failed(SystemCallError)
}

extension Socket {
    func receiveOutcome(into buffer: UnsafeMutableRawBufferPointer) -> IOOutcome {
        do {
            guard let count = try receive(into: buffer) else { return .wouldBlock }
            return count == 0 ? .endOfStream : .transferred(count)
        } catch {
            return .failed(error)
        }
    }

    func sendOutcome(_ buffer: UnsafeRawBufferPointer) -> IOOutcome {
        do {
            guard let count = try send(buffer) else { return .wouldBlock }
            return .transferred(count)
        } catch {
            return .failed(error)
        }
    }
}
