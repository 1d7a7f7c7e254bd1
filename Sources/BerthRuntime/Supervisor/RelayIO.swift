import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The copying shared by both `exec` relays (pty and pipes). The command's side is
/// non-blocking, so a command that stops reading or writing never stalls the relay's loop.
enum RelayIO {
    enum CopyResult {
        /// Everything available was copied; more may come.
        case open
        /// The command's side is closed (end of file or a read error).
        case closed
        /// Writing to the caller failed (e.g. the reader of berth's output went away).
        case targetFailed
    }

    /// Copies what non-blocking `source` has now to `target`, at most 64 reads.
    static func copy(from source: FileDescriptor, to target: FileDescriptor, buffer: inout [UInt8]) -> CopyResult {
        for _ in 0..<64 {
            let n = buffer.withUnsafeMutableBytes { raw in read(source.rawValue, raw.baseAddress, raw.count) }
            if n > 0 {
                do { try target.writeAll(buffer[..<n]) } catch { return .targetFailed }
                continue
            }
            return n < 0 && (errno == EAGAIN || errno == EINTR) ? .open : .closed
        }
        return .open
    }

    /// Writes what non-blocking `target` takes now; the rest waits for POLLOUT. Drops the rest
    /// when `target` fails for good (the command closed its end); returns false then.
    @discardableResult
    static func flush(_ pending: inout [UInt8], to target: FileDescriptor) -> Bool {
        while !pending.isEmpty {
            let n = pending.withUnsafeBytes { raw in write(target.rawValue, raw.baseAddress, raw.count) }
            if n > 0 {
                pending.removeFirst(n)
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                if n < 0 && errno != EAGAIN {
                    pending.removeAll()
                    return false
                }
                return true
            }
        }
        return true
    }
}
