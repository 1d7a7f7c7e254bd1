import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The signal side shared by both `exec` relays (pty and pipes): signals the caller sends the
/// helper are passed on to the command, and the command's exit is noticed without blocking so
/// the relay's poll loop keeps copying output meanwhile.
enum RelaySignals {
    /// Reads what `signalFD` has, forwards each signal to `child` (SIGWINCH goes to
    /// `onWindowChange` instead when given) and returns the command's exit code once it has
    /// exited.
    static func handle(_ signalFD: FileDescriptor, child: pid_t, onWindowChange: (() -> Void)? = nil) -> Int32? {
        var info = [UInt8](repeating: 0, count: 128)
        for _ in 0..<64 {
            let n = info.withUnsafeMutableBytes { raw in read(signalFD.rawValue, raw.baseAddress, raw.count) }
            guard n == 128 else { break }
            // struct signalfd_siginfo starts with the signal number (uint32).
            let signal = Int32(info[0]) | Int32(info[1]) << 8 | Int32(info[2]) << 16 | Int32(info[3]) << 24
            switch signal {
            case SIGCHLD: break
            case SIGWINCH where onWindowChange != nil: onWindowChange?()
            default: kill(child, signal)
            }
        }
        // Also the fallback when no signalfd could be made: the poll timeout brings us here.
        if let (_, status) = try? ProcessControl.wait(child, options: WNOHANG) { return status.code }
        return nil
    }
}
