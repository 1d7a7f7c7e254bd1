import BerthEncoding
import BerthSystem
import CBerthShims

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the healthcheck through the same exec helper as `berth container exec`, on the
/// compose schedule: start_interval during start_period, interval after; a probe slower
/// than timeout is killed and counts as a failure.
final class HealthMonitor {
    let spec: HealthcheckSpec
    let paths: ContainerPaths
    var nextDeadline: Int64?
    var startedAt: Int64 = 0
    var probePid: pid_t = 0
    var probeDeadline: Int64 = 0
    /// Read end of the running probe's stdout+stderr (non-blocking), polled by the loop.
    var outputPipe: FileDescriptor?
    var output: [UInt8] = []
    var probeStart = ""
    var timedOut = false

    init(spec: HealthcheckSpec, paths: ContainerPaths) {
        self.spec = spec
        self.paths = paths
    }

    var command: [String] {
        switch spec.test {
        case .none: []
        case .command(let argv): argv
        case .shell(let script): ["/bin/sh", "-c", script]
        }
    }

    func containerStarted(now: Int64, state: inout ContainerState) {
        startedAt = now
        state.health = .starting
        state.healthFailingStreak = 0
        nextDeadline =
            now + (spec.startPeriodMilliseconds > 0 ? spec.startIntervalMilliseconds : spec.intervalMilliseconds)
    }

    func containerStopped(state: inout ContainerState) {
        if probePid > 0 { kill(probePid, SIGKILL) }
        nextDeadline = nil
    }

    func tick(now: Int64, containerPid: pid_t, state: inout ContainerState) {
        if probePid > 0 {
            // Timed out: kill it; its exit is recorded as a failure in probeExited.
            kill(probePid, SIGKILL)
            timedOut = true
            probeDeadline = 0
            nextDeadline = nil
            return
        }
        guard containerPid > 0 else { return }
        let exec = ExecSpec(arguments: command)
        var fds: [Int32] = [0, 0]
        guard let json = try? JSONCoding.encodeString(exec),
            let null = try? FileDescriptor.open("/dev/null", O_RDWR | O_CLOEXEC),
            berth_pipe2(&fds, O_CLOEXEC | O_NONBLOCK) == 0
        else { return }
        let writeEnd = FileDescriptor(rawValue: fds[1])
        // The probe's end blocks like any stdout; only the supervisor's end must not.
        _ = fcntl(fds[1], F_SETFL, 0)
        defer {
            null.close()
            writeEnd.close()
        }
        closeOutput()
        output = []
        timedOut = false
        probeStart = Clock.now()
        if let pid = try? Spawner.spawn(
            HealthMonitor.selfPath(), ["exec", paths.root, paths.id, json], stdio: [null, writeEnd, writeEnd])
        {
            outputPipe = FileDescriptor(rawValue: fds[0])
            probePid = pid
            probeDeadline = now + spec.timeoutMilliseconds
            nextDeadline = probeDeadline
        } else {
            FileDescriptor(rawValue: fds[0]).close()
        }
    }

    /// Keeps the first `HealthProbe.outputLimit` bytes of what the probe prints; the rest is
    /// read and dropped so a chatty probe never blocks on a full pipe.
    func readOutput() {
        guard let outputPipe else { return }
        var buffer = [UInt8](repeating: 0, count: 16384)
        for _ in 0..<256 {
            let n = buffer.withUnsafeMutableBytes { raw in read(outputPipe.rawValue, raw.baseAddress, raw.count) }
            if n > 0 {
                output += buffer[..<min(n, max(0, HealthProbe.outputLimit - output.count))]
                continue
            }
            if n == 0 || (errno != EAGAIN && errno != EINTR) { closeOutput() }
            return
        }
    }

    func closeOutput() {
        outputPipe?.close()
        outputPipe = nil
    }

    static func selfPath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "/proc/self/exe"
    }

    func probeExited(pid: pid_t, status: ExitStatus, state: inout ContainerState) {
        guard pid == probePid else { return }
        probePid = 0
        readOutput()
        closeOutput()
        var text = String(decoding: output, as: UTF8.self)
        if timedOut { text += (text.isEmpty || text.hasSuffix("\n") ? "" : "\n") + "healthcheck timed out" }
        var log = state.healthLog ?? []
        log.append(HealthProbe(start: probeStart, end: Clock.now(), exitCode: status.code, output: text))
        state.healthLog = Array(log.suffix(HealthProbe.kept))
        let now = Clock.monotonicMilliseconds()
        let inStartPeriod = now - startedAt < spec.startPeriodMilliseconds
        if status == .exited(0) {
            state.health = .healthy
            state.healthFailingStreak = 0
        } else if !inStartPeriod {
            state.healthFailingStreak += 1
            if state.healthFailingStreak >= max(1, spec.retries) { state.health = .unhealthy }
        }
        let interval =
            inStartPeriod && state.health == .starting ? spec.startIntervalMilliseconds : spec.intervalMilliseconds
        nextDeadline = now + interval
    }
}
