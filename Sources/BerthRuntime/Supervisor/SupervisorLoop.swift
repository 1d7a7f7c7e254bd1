import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

extension Supervisor {
    /// poll() over the child-exit signalfd, the control socket and the output pipes, with the
    /// nearest timer (stop grace, restart backoff, healthcheck) as timeout.
    func loop() {
        var running = true
        while running {
            let now = Clock.monotonicMilliseconds()
            let deadlines = [stopDeadline, restartDeadline, health?.nextDeadline].compactMap { $0 }
            let timeout = deadlines.min().map { Int32(clamping: max(0, $0 - now)) } ?? -1
            var fds = [
                pollfd(fd: signalFD.rawValue, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stdoutPipe.read.rawValue, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stderrPipe.read.rawValue, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener?.rawValue ?? -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: terminalMaster?.rawValue ?? -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: health?.outputPipe?.rawValue ?? -1, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR { break }
            if fds[1].revents != 0 { drain(stdoutPipe.read, .stdout) }
            if fds[2].revents != 0 { drain(stderrPipe.read, .stderr) }
            if fds[4].revents != 0, let terminalMaster {
                // POLLHUP/EIO once the slave side is gone: stop polling it.
                if !drain(terminalMaster, .stdout) { closeTerminal() }
            }
            if fds[5].revents != 0 { health?.readOutput() }
            if fds[0].revents != 0 { running = reapChildren() }
            if running, fds[3].revents != 0, let listener, let client = try? Sockets.accept(listener) {
                handle(client)
            }
            running = running && timers() && !exitRequested
        }
        drain(stdoutPipe.read, .stdout)
        drain(stderrPipe.read, .stderr)
        logs.close()
        // The socket goes first: once a waiter has its answer, nothing of this supervisor is
        // left for `remove` to wait for except the fsync below, which it need not wait for.
        listener?.close()
        unlink(paths.socket)
        for waiter in waiters {
            try? ControlChannel.send(waiter, ControlResponse(state: state))
            waiter.close()
        }
        syncState()
    }

    /// Reads what is buffered; false when the descriptor is finished (EOF or EIO).
    @discardableResult
    func drain(_ fd: FileDescriptor, _ stream: LogRecord.Stream) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<64 {
            let n = buffer.withUnsafeMutableBytes { raw in read(fd.rawValue, raw.baseAddress, raw.count) }
            if n == 0 { return false }
            if n < 0 { return errno == EAGAIN || errno == EINTR }
            logs.append(stream, buffer[..<n])
        }
        return true
    }

    func closeTerminal() {
        terminalMaster?.close()
        terminalMaster = nil
    }

    /// Returns false when the supervisor should exit.
    func reapChildren() -> Bool {
        var info = [UInt8](repeating: 0, count: 128)
        while read(signalFD.rawValue, &info, info.count) > 0 {}
        var keepRunning = true
        for _ in 0..<1024 {
            guard let (pid, status) = try? ProcessControl.wait(-1, options: WNOHANG) else { break }
            if pid == containerPid {
                keepRunning = containerExited(status)
            } else {
                health?.probeExited(pid: pid, status: status, state: &state)
                saveState()
            }
        }
        return keepRunning
    }

    func containerExited(_ status: ExitStatus) -> Bool {
        drain(stdoutPipe.read, .stdout)
        drain(stderrPipe.read, .stderr)
        if let terminalMaster {
            drain(terminalMaster, .stdout)
            closeTerminal()
        }
        logs.flush()
        let oom = cgroup.oomKills() > oomBaseline
        containerPid = 0
        stopDeadline = nil
        health?.containerStopped(state: &state)
        state.pid = nil
        state.exitCode = oom ? 137 : status.code
        state.oomKilled = oom
        state.finishedAt = Clock.now()
        let ranFor = Clock.monotonicMilliseconds() - startedAtMonotonic
        consecutiveFailures = ranFor > 10_000 ? 0 : consecutiveFailures + 1
        if shouldRestart() {
            state.status = .restarting
            let backoff = min(Int64(100) << Int64(min(consecutiveFailures, 10)), 30_000)
            restartDeadline = Clock.monotonicMilliseconds() + backoff
            saveState()
            return true
        }
        state.status = .exited
        saveState()
        return false
    }

    func shouldRestart() -> Bool {
        if state.stoppedByUser { return false }
        switch spec.restartPolicy {
        case .no: return false
        case .always, .unlessStopped: return true
        case .onFailure(let maxRetries):
            guard let code = state.exitCode, code != 0 else { return false }
            return maxRetries.map { state.restartCount < $0 } ?? true
        }
    }

    /// Returns false when the supervisor should exit.
    func timers() -> Bool {
        let now = Clock.monotonicMilliseconds()
        if let deadline = stopDeadline, now >= deadline, containerPid > 0 {
            kill(containerPid, SIGKILL)
            stopDeadline = nil
        }
        if let deadline = restartDeadline, now >= deadline {
            restartDeadline = nil
            state.restartCount += 1
            do {
                try startContainer()
            } catch {
                state.status = .exited
                state.exitCode = 127
                state.error = error.description
                saveState()
                return false
            }
        }
        if let health, let deadline = health.nextDeadline, now >= deadline {
            health.tick(now: now, containerPid: containerPid, state: &state)
            saveState()
        }
        return true
    }

    func handle(_ client: FileDescriptor) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client.rawValue, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = try? ControlChannel.receive(ControlRequest.self, from: client) else {
            client.close()
            return
        }
        switch request.operation {
        case .status:
            break
        case .kill:
            if containerPid > 0 { kill(containerPid, request.signal ?? SIGKILL) }
        case .stop, .wait:
            if request.operation == .stop {
                state.stoppedByUser = true
                saveState()
                if containerPid > 0 {
                    kill(containerPid, request.signal ?? spec.stopSignal)
                    stopDeadline =
                        Clock.monotonicMilliseconds() + (request.graceMilliseconds ?? spec.stopGraceMilliseconds)
                } else if restartDeadline != nil {
                    restartDeadline = nil
                    state.status = .exited
                    saveState()
                }
            }
            waiters.append(client)
            if containerPid == 0 && restartDeadline == nil { finishIdle() }
            return
        }
        try? ControlChannel.send(client, ControlResponse(state: state))
        client.close()
    }

    /// A stop arrived while the container was between restarts: end the supervisor now.
    private func finishIdle() {
        if let listener {
            listener.close()
            self.listener = nil
        }
        stopDeadline = nil
        exitRequested = true
    }
}
