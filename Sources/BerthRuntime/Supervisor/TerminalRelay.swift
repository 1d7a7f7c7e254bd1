import BerthSystem
import CBerthShims

#if canImport(Glibc)
    import Glibc
#endif

/// `exec -t`: copies between the caller's terminal (stdin/stdout of the exec helper) and the
/// pty master of the command inside, keeps the window size in step (SIGWINCH) and forwards
/// termination signals. The caller's terminal is in raw mode only while this runs, so ^C, ^Z
/// and friends are handled by the pty inside, as if the user sat at the container's console.
struct TerminalRelay {
    let master: FileDescriptor
    let child: pid_t
    let interactive: Bool

    /// Returns the command's exit code once it has exited and its output is relayed.
    /// `signals` are already blocked in this process.
    func run(signals: sigset_t) -> Int32 {
        var mask = signals
        let signalFD = FileDescriptor(rawValue: berth_signalfd(&mask))
        defer { if signalFD.rawValue >= 0 { signalFD.close() } }
        let mode = interactive ? (try? TerminalMode.makeRaw(.standardInput)) ?? nil : nil
        defer { mode?.restore() }
        resize()
        var exitCode: Int32?
        var stdinOpen = interactive
        var masterOpen = true
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 32768)
        while exitCode == nil {
            var fds = [
                pollfd(fd: signalFD.rawValue, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stdinOpen && pending.isEmpty ? 0 : -1, events: Int16(POLLIN), revents: 0),
                pollfd(
                    fd: masterOpen ? master.rawValue : -1,
                    events: Int16(POLLIN) | (pending.isEmpty ? 0 : Int16(POLLOUT)), revents: 0),
            ]
            let ready = poll(&fds, nfds_t(fds.count), signalFD.rawValue >= 0 ? -1 : 100)
            if ready < 0 && errno != EINTR { break }
            if fds[2].revents != 0 {
                masterOpen = copyOutput(&buffer)
                if masterOpen, fds[2].revents & Int16(POLLOUT) != 0 { flush(&pending) }
            }
            if fds[1].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { raw in read(0, raw.baseAddress, raw.count) }
                if n > 0 {
                    pending += buffer[..<n]
                    flush(&pending)
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    // End of input: an EOF character tells a canonical-mode reader inside.
                    stdinOpen = false
                    pending.append(0x04)
                    flush(&pending)
                }
            }
            exitCode = RelaySignals.handle(signalFD, child: child, onWindowChange: resize)
        }
        // The command is gone; what it wrote before exiting is still in the master.
        if masterOpen { _ = copyOutput(&buffer) }
        return exitCode ?? 126
    }

    /// Copies what the master has to stdout; false once the slave side is closed. Output the
    /// caller cannot take is dropped, as before: the pty inside keeps its own flow control.
    private func copyOutput(_ buffer: inout [UInt8]) -> Bool {
        RelayIO.copy(from: master, to: .standardOutput, buffer: &buffer) != .closed
    }

    private func flush(_ pending: inout [UInt8]) { RelayIO.flush(&pending, to: master) }

    private func resize() {
        let source: FileDescriptor = isatty(0) == 1 ? .standardInput : .standardOutput
        if let size = TerminalMode.windowSize(source) { try? TerminalMode.setWindowSize(master, size) }
    }
}
