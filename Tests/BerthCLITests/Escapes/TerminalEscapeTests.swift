import BerthSystem
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 17 §1: a process in a container must never hold a descriptor of the caller's
/// terminal. With one, it can push keystrokes into the caller's shell (TIOCSTI), which runs
/// them as root on the host once berth returns, and a background process keeps that power.
///
/// Each test runs berth the way a user at a terminal would: stdin, stdout and stderr (and a
/// spare fd 5, as `exec 5<>/dev/tty` in a shell leaves) on a pty the test opened, which is
/// berth's controlling terminal. A probe inside pushes a key into each of its descriptors and
/// into `/dev/tty`, and reports every descriptor it inherited.
///
/// The keystroke check depends on `dev.tty.legacy_tiocsti`: at 0 the kernel refuses TIOCSTI
/// to unprivileged callers anyway, so the injection assertion holds even on the old code. The
/// descriptor identity check (no inherited fd is the caller's terminal, `/dev/tty` does not
/// open it) is the real defect and holds regardless; the tests never change the sysctl.
@Suite("Escapes: terminal", .serialized, .enabled(if: getuid() == 0, "needs root for namespaces, cgroups and mounts"))
struct TerminalEscapeTests {
    static let probeSource = """
        #include <errno.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <sys/ioctl.h>
        #include <sys/stat.h>
        #include <unistd.h>

        /* Pushes one key into fd's terminal; 0 or the errno. */
        static int inject(int fd) {
            char key = 'x';
            return ioctl(fd, TIOCSTI, &key) == 0 ? 0 : errno;
        }

        int main(void) {
            struct stat st;
            int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
            if (tty < 0) {
                printf("devtty errno %d\\n", errno);
            } else {
                printf("devtty open sti %d\\n", inject(tty));
                close(tty);
            }
            for (int fd = 0; fd < 64; fd++) {
                if (fstat(fd, &st) != 0) continue;
                char link[64], target[256] = "";
                snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
                ssize_t n = readlink(link, target, sizeof target - 1);
                if (n > 0) target[n] = 0;
                printf("fd %d dev %llu rdev %llu sti %d target %s\\n", fd, (unsigned long long)st.st_dev,
                       (unsigned long long)st.st_rdev, inject(fd), target);
            }
            return 0;
        }
        """

    /// A busybox rootfs with the probe at /bin/ttyprobe.
    static func rootfs(in directory: TemporaryDirectory) throws -> CraftedRootfs {
        let probe = try StaticProbe.build("ttyprobe", source: probeSource, in: directory)
        let rootfs = try CraftedRootfs(in: directory)
        try rootfs.install(probe, at: "bin/ttyprobe")
        return rootfs
    }

    /// A new container id, short enough for the supervisor socket's path under a test root.
    static func newID() -> String { "berth-tty-\(UUID().uuidString.prefix(8).lowercased())" }

    /// What a user at the terminal would be exposed to: the probe's descriptors that are the
    /// caller's terminal, and the keys that reached the caller's terminal's input.
    static func expectTerminalNotReached(
        _ run: CallerTerminal.Run, _ terminal: CallerTerminal, pty: Bool, command: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let report = ProbeReport(run.output)
        try #require(
            run.status == 0 && report.descriptors.count >= 3, "\(command): the probe did not run: \(run.output)",
            sourceLocation: sourceLocation)
        let callers = report.descriptors.filter { $0.device == terminal.device && $0.rdev == terminal.rdev }
        #expect(
            callers.isEmpty, "\(command): descriptors of the caller's terminal inside the container: \(callers)",
            sourceLocation: sourceLocation)
        #expect(
            report.descriptors.map(\.number) == [0, 1, 2],
            "\(command): the command inherits only stdin, stdout and stderr: \(report.descriptors)",
            sourceLocation: sourceLocation)
        if !pty {
            // Without a pty the command has no controlling terminal: /dev/tty is not the caller's.
            #expect(
                report.devTTY.hasPrefix("errno"), "\(command): /dev/tty in the container: \(report.devTTY)",
                sourceLocation: sourceLocation)
        }
        let injected = terminal.pendingInput()
        #expect(
            injected.isEmpty,
            "\(command): keys pushed into the caller's terminal: \(String(decoding: injected, as: UTF8.self))",
            sourceLocation: sourceLocation)
    }

    /// One stack for the four flag combinations: bringing a stack up costs far more than an
    /// exec. Each message names the exec's flags.
    @Test("berth exec does not hand the caller's terminal to the command", .timeLimit(.minutes(3)))
    func stackExec() throws {
        let fixture = try StackFixture()
        let rootfs = try Self.rootfs(in: fixture.directory)
        try rootfs.importImage("berth.local/escape-tty:1", root: fixture.root)
        let compose = """
            services:
              box:
                image: berth.local/escape-tty:1
                command: ["sleep", "600"]
                network_mode: none
            """
        let files = ["-f", try fixture.directory.write("escape-tty/compose.yaml", compose).path]
        defer { fixture.cleanUp(["escape-tty": files]) }
        let up = try fixture.berth(["up"], files + ["-d"])
        try #require(up.status == 0, "up failed: \(up.stderr)")
        for flags in [[], ["-i"], ["-t"], ["-i", "-t"]] {
            let terminal = try CallerTerminal()
            let run = try terminal.run(
                [BerthBinary.path, "exec", "--root", fixture.root] + files + flags + ["box", "ttyprobe"])
            try Self.expectTerminalNotReached(run, terminal, pty: flags.contains("-t"), command: "exec \(flags)")
        }
    }

    @Test(
        "berth container exec does not hand the caller's terminal to the command", .timeLimit(.minutes(2)),
        arguments: [[], ["-i"], ["-t"], ["-i", "-t"]])
    func containerExec(flags: [String]) throws {
        let container = try RunningContainer(probe: true)
        // Removed at the end of the test, not after the last use of `container`.
        defer { withExtendedLifetime(container) {} }
        let (fixture, id) = (container.fixture, container.id)
        let terminal = try CallerTerminal()
        let run = try terminal.run(
            [BerthBinary.path, "container", "exec", "--root", fixture.root] + flags + [id, "ttyprobe"])
        try Self.expectTerminalNotReached(
            run, terminal, pty: flags.contains("-t"), command: "container exec \(flags)")
    }

    @Test(
        "a background process of an exec holds no descriptor of the caller's terminal, and exec returns without it",
        .timeLimit(.minutes(2)))
    func backgroundProcessOfExec() throws {
        let container = try RunningContainer(probe: true)
        // Removed at the end of the test, not after the last use of `container`.
        defer { withExtendedLifetime(container) {} }
        let (fixture, id) = (container.fixture, container.id)
        let terminal = try CallerTerminal()
        // Ignoring SIGHUP keeps the background process alive when berth, the terminal's session
        // leader, exits; it still writes to what it inherited as stdout. The exec must return
        // when `sh` exits (bounded well below the background process's life).
        let run = try terminal.run(
            [
                BerthBinary.path, "container", "exec", "--root", fixture.root, id, "sh", "-c",
                "trap '' HUP; sleep 601 & echo started",
            ], timeout: .seconds(30))
        #expect(run.status == 0 && run.output.contains("started"), "exec: \(run.output)")
        let background = BerthRoot.processes(mentioning: "601").filter { pid in
            let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            return command == Data("sleep\u{0}601\u{0}".utf8)
        }
        try #require(background.count == 1, "the background sleep 601 is not running: \(background)")
        var held: [String] = []
        for pid in background {
            for fd in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? [] {
                var status = stat()
                guard stat("/proc/\(pid)/fd/\(fd)", &status) == 0 else { continue }
                if UInt64(status.st_dev) == terminal.device && UInt64(status.st_rdev) == terminal.rdev {
                    held.append("pid \(pid) fd \(fd)")
                }
            }
        }
        #expect(held.isEmpty, "the background process holds the caller's terminal: \(held)")
    }

    @Test(
        "container exec -i passes input until its end and keeps stdout and stderr apart; without -i it reads nothing",
        .timeLimit(.minutes(2)))
    func execRelaysStreams() throws {
        let container = try RunningContainer(probe: false)
        // Removed at the end of the test, not after the last use of `container`.
        defer { withExtendedLifetime(container) {} }
        let (fixture, id) = (container.fixture, container.id)
        // A shell pipeline gives berth a pipe as stdin that ends, as `cmd | berth exec -i` does.
        func exec(_ flags: [String]) throws -> BerthBinary.Result {
            try BerthBinary.run(
                executable: "/bin/sh",
                [
                    "-c", "root=$1; shift; printf 'one\\ntwo\\n' | \"$0\" container exec --root \"$root\" \"$@\"",
                    BerthBinary.path,
                    fixture.root,
                ] + flags + [id, "sh", "-c", "cat; echo to-stderr >&2; exit 5"], environment: ["NO_COLOR": "1"],
                timeout: .seconds(30))
        }
        let interactive = try exec(["-i"])
        #expect(interactive.status == 5)
        #expect(interactive.stdout == "one\ntwo\n")
        #expect(interactive.stderr == "to-stderr\n")
        let detached = try exec([])
        #expect(detached.status == 5)
        #expect(detached.stdout == "")
        #expect(detached.stderr == "to-stderr\n")
    }

    @Test(
        "berth container run does not hand the caller's terminal to the container", .timeLimit(.minutes(2)),
        arguments: [[], ["-t"]])
    func containerRun(flags: [String]) throws {
        let fixture = try RuntimeFixture()
        defer { fixture.cleanUp() }
        let rootfs = try Self.rootfs(in: fixture.directory)
        let id = Self.newID()
        defer { _ = try? fixture.berth(["container", "rm", "-f", id]) }
        let terminal = try CallerTerminal()
        let run = try terminal.run(
            [BerthBinary.path, "container", "run", "--root", fixture.root, "--rootfs", rootfs.path, "--name", id]
                + flags + ["/bin/ttyprobe"])
        try Self.expectTerminalNotReached(
            run, terminal, pty: flags.contains("-t"), command: "container run \(flags)")
    }
}

/// A bare berth root with one detached container running `sleep 600` on a crafted rootfs
/// (with the probe at /bin/ttyprobe when asked); removes the container and the root's kernel
/// objects when released, also when the test fails.
final class RunningContainer {
    let fixture: RuntimeFixture
    let id = TerminalEscapeTests.newID()

    init(probe: Bool) throws {
        fixture = try RuntimeFixture()
        do {
            let rootfs =
                try probe ? TerminalEscapeTests.rootfs(in: fixture.directory) : CraftedRootfs(in: fixture.directory)
            let start = try fixture.berth([
                "container", "run", "-d", "--rootfs", rootfs.path, "--name", id, "sleep", "600",
            ])
            try #require(start.status == 0, "container run -d failed: \(start.stderr)")
        } catch {
            fixture.cleanUp()
            throw error
        }
    }

    deinit {
        _ = try? fixture.berth(["container", "rm", "-f", id])
        fixture.cleanUp()
    }
}

/// The probe's lines: `devtty …` and one `fd N dev D rdev R sti E target T` per descriptor.
struct ProbeReport {
    struct Descriptor: CustomStringConvertible {
        var number: Int
        var device: UInt64
        var rdev: UInt64
        var target: String
        var description: String { "fd \(number) (\(target), dev \(device), rdev \(rdev))" }
    }

    var devTTY = ""
    var descriptors: [Descriptor] = []

    init(_ output: String) {
        // With a pty, the keys the probe pushes into its own terminal are echoed between its
        // lines; look for the markers rather than at line starts. (A pty ends lines with
        // "\r\n", one Character: hence isNewline.)
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = String(raw)
            if let range = line.range(of: "devtty ") {
                devTTY = String(line[range.upperBound...])
                continue
            }
            guard let range = line.range(of: "fd ") else { continue }
            let fields = line[range.lowerBound...].split(separator: " ", maxSplits: 9, omittingEmptySubsequences: false)
            guard fields.count >= 9, let number = Int(fields[1]), let device = UInt64(fields[3]),
                let rdev = UInt64(fields[5])
            else { continue }
            descriptors.append(
                Descriptor(
                    number: number, device: device, rdev: rdev, target: fields.count > 9 ? String(fields[9]) : ""))
        }
    }
}

/// A pty the test owns, standing in for the user's terminal: berth runs with it as its
/// controlling terminal and as stdin, stdout, stderr and fd 5.
final class CallerTerminal {
    struct Run {
        var status: Int32
        var output: String
    }

    let master: Int32
    let slave: Int32
    let slavePath: String
    /// st_dev and st_rdev of the slave: which devpts instance and which pty. Both, because
    /// every devpts instance numbers its ptys from 0.
    let device: UInt64
    let rdev: UInt64

    init() throws {
        // posix_openpt, grantpt, unlockpt and ptsname_r (the shim berth's own ptys use; Swift's
        // Glibc module does not export them): a non-blocking, close-on-exec master.
        let pair = try Terminal.openPair()
        let master = pair.master.rawValue
        let path = pair.slavePath
        let slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        var mode = termios()
        var status = stat()
        // Raw: no echo and no line buffering, so a pushed key is readable from the slave at
        // once, and output reaches the master byte for byte.
        guard slave >= 0, tcgetattr(slave, &mode) == 0, fstat(slave, &status) == 0 else {
            let error = errno
            if slave >= 0 { close(slave) }
            close(master)
            throw TerminalSetupError(call: "open/tcgetattr/fstat \(path)", errno: error)
        }
        cfmakeraw(&mode)
        tcsetattr(slave, TCSANOW, &mode)
        self.master = master
        self.slave = slave
        slavePath = path
        device = UInt64(status.st_dev)
        rdev = UInt64(status.st_rdev)
    }

    deinit {
        close(slave)
        close(master)
    }

    struct TerminalSetupError: Error, CustomStringConvertible {
        var call: String
        var errno: Int32
        var description: String { "\(call) failed: errno \(errno)" }
    }

    /// Runs `arguments` in a new session whose controlling terminal is this pty, collecting
    /// what it writes; kills it and records an issue after `timeout`.
    func run(_ arguments: [String], timeout: Duration = .seconds(60)) throws -> Run {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid (glibc runs file actions after it) and without O_NOCTTY: the pty
        // becomes the session's controlling terminal, as a login shell's is.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        for target: Int32 in [1, 2, 5] { posix_spawn_file_actions_adddup2(&actions, 0, target) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, 0x80)  // POSIX_SPAWN_SETSID
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("COMPOSE_") }
        environment["NO_COLOR"] = "1"
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        try #require(spawned == 0, "posix_spawn \(arguments[0]) failed: \(spawned)")
        var output: [UInt8] = []
        var status: Int32 = 0
        var exited = false
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 20)
            output += drainMaster()
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                break
            }
        }
        if !exited {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            Issue.record("\(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        output += drainMaster()
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Run(status: exited ? code : -1, output: String(decoding: output, as: UTF8.self))
    }

    private func drainMaster() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<1024 {
            let n = buffer.withUnsafeMutableBytes { raw in read(master, raw.baseAddress, raw.count) }
            guard n > 0 else { break }
            bytes += buffer[..<n]
        }
        return bytes
    }

    /// What is waiting in the terminal's input queue: keys someone pushed with TIOCSTI, which
    /// the user's shell would read and run once berth returned. TIOCSTI is synchronous, so
    /// whatever the probe pushed is there by the time berth has exited.
    func pendingInput() -> [UInt8] {
        _ = fcntl(slave, F_SETFL, fcntl(slave, F_GETFL) | O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { raw in read(slave, raw.baseAddress, raw.count) }
        return n > 0 ? Array(buffer[..<n]) : []
    }
}
