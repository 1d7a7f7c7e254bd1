import BerthSystem
import CBerthShims

#if canImport(Glibc)
    import Glibc
#endif

/// `exec` without `-t`: the command's stdin, stdout and stderr are pipes whose other ends this
/// helper copies to and from the caller's, as docker does. The command never holds a
/// descriptor of the caller's (a terminal it could push keystrokes into with TIOCSTI); this
/// helper stays in the host's PID namespace, where nothing in the container can see or trace
/// it.
struct PipeRelay {
    /// The command's ends: stdin's read end (nil without `-i`: it reads /dev/null), stdout's
    /// and stderr's write ends. Blocking, as a command expects.
    struct CommandEnds {
        let input: FileDescriptor
        let output: FileDescriptor
        let errors: FileDescriptor
    }

    /// This helper's ends, non-blocking and close-on-exec.
    let input: FileDescriptor?
    let output: FileDescriptor
    let errors: FileDescriptor

    /// Makes the three pipes; `interactive` false gives the command /dev/null as stdin.
    static func make(interactive: Bool) throws(SystemCallError) -> (PipeRelay, CommandEnds) {
        var opened: [FileDescriptor] = []
        func pipe(_ name: String, helperEnd: Int) throws(SystemCallError) -> (
            helper: FileDescriptor, command: FileDescriptor
        ) {
            var fds: [Int32] = [-1, -1]
            guard berth_pipe2(&fds, O_CLOEXEC) == 0 else { throw SystemCallError("pipe2", "exec \(name), O_CLOEXEC") }
            let helper = FileDescriptor(rawValue: fds[helperEnd])
            let command = FileDescriptor(rawValue: fds[1 - helperEnd])
            opened += [helper, command]
            let flags = fcntl(helper.rawValue, F_GETFL)
            guard flags >= 0, fcntl(helper.rawValue, F_SETFL, flags | O_NONBLOCK) == 0 else {
                throw SystemCallError("fcntl", "\(helper.rawValue), F_SETFL, O_NONBLOCK (exec \(name))")
            }
            return (helper, command)
        }
        do {
            var input: (helper: FileDescriptor?, command: FileDescriptor)
            if interactive {
                let made = try pipe("stdin", helperEnd: 1)
                input = (made.helper, made.command)
            } else {
                input = (nil, try FileDescriptor.open("/dev/null", O_RDONLY | O_CLOEXEC))
                opened.append(input.command)
            }
            let output = try pipe("stdout", helperEnd: 0)
            let errors = try pipe("stderr", helperEnd: 0)
            return (
                PipeRelay(input: input.helper, output: output.helper, errors: errors.helper),
                CommandEnds(input: input.command, output: output.command, errors: errors.command)
            )
        } catch {
            opened.forEach { $0.close() }
            throw error
        }
    }

    /// Copies until the command has exited, then what it wrote before exiting, and returns its
    /// exit code. Returns then even when a background process of the command still holds the
    /// pipes (docker does the same); that process gets EPIPE once it writes. `signals` are
    /// already blocked in this process.
    func run(child: pid_t, signals: sigset_t) -> Int32 {
        var mask = signals
        let signalFD = FileDescriptor(rawValue: berth_signalfd(&mask))
        var input = self.input
        var streams: [(source: FileDescriptor, target: FileDescriptor)?] = [
            (output, .standardOutput), (errors, .standardError),
        ]
        defer {
            if signalFD.rawValue >= 0 { signalFD.close() }
            input?.close()
            streams.forEach { $0?.source.close() }
        }
        var stdinOpen = input != nil
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 32768)
        var exitCode: Int32?
        func copy(_ index: Int) {
            guard let stream = streams[index] else { return }
            // Closing our end on a failed write gives the command EPIPE, as a direct pipe would.
            if RelayIO.copy(from: stream.source, to: stream.target, buffer: &buffer) != .open {
                stream.source.close()
                streams[index] = nil
            }
        }
        while exitCode == nil {
            var fds = [
                pollfd(fd: signalFD.rawValue, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stdinOpen && pending.isEmpty ? 0 : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: pending.isEmpty ? -1 : input?.rawValue ?? -1, events: Int16(POLLOUT), revents: 0),
                pollfd(fd: streams[0]?.source.rawValue ?? -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: streams[1]?.source.rawValue ?? -1, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, nfds_t(fds.count), signalFD.rawValue >= 0 ? -1 : 100)
            if ready < 0 && errno != EINTR { break }
            if fds[1].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { raw in read(0, raw.baseAddress, raw.count) }
                if n > 0 {
                    pending += buffer[..<n]
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    stdinOpen = false
                }
            }
            if let target = input, !pending.isEmpty, !RelayIO.flush(&pending, to: target) { stdinOpen = false }
            if let target = input, !stdinOpen, pending.isEmpty {
                // End of the caller's input: the command reads end of file.
                target.close()
                input = nil
            }
            if fds[3].revents != 0 { copy(0) }
            if fds[4].revents != 0 { copy(1) }
            exitCode = RelaySignals.handle(signalFD, child: child)
        }
        // The command is gone; what it wrote before exiting is in the pipes. Copy that, bounded,
        // and stop at the first moment the pipes are empty even if someone still holds them.
        for _ in 0..<1024 where streams.contains(where: { $0 != nil }) {
            copy(0)
            copy(1)
            if !hasData(streams.compactMap { $0?.source }) { break }
        }
        return exitCode ?? 126
    }

    /// Whether any of `sources` has data to read right now.
    private func hasData(_ sources: [FileDescriptor]) -> Bool {
        var fds = sources.map { pollfd(fd: $0.rawValue, events: Int16(POLLIN), revents: 0) }
        return poll(&fds, nfds_t(fds.count), 0) > 0 && fds.contains { $0.revents & Int16(POLLIN) != 0 }
    }
}
