import BerthSystem
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the kernel lets a container's process do: the capabilities a non-root user can pick
/// up through a file-capability binary (CVE-2022-24769: none, the inheritable set is empty)
/// and the seccomp policy (docker's current default: io_uring and AF_ALG blocked, new calls
/// allowed or ENOSYS so libc falls back, unknown calls ENOSYS as runc returns them).
@Suite(
    "Escapes: capabilities and seccomp", .serialized,
    .enabled(if: getuid() == 0, "needs root for namespaces, mounts and file capabilities"))
struct KernelPolicyEscapeTests {
    /// Prints its capability sets, then tries to open /etc/passwd for writing.
    static let capabilityProbe = """
        #include <errno.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <string.h>
        int main(void) {
            char line[256];
            FILE *status = fopen("/proc/self/status", "r");
            while (status && fgets(line, sizeof line, status))
                if (strncmp(line, "Cap", 3) == 0) fputs(line, stdout);
            int fd = open("/etc/passwd", O_WRONLY);
            printf("write-open /etc/passwd: %s\\n", fd >= 0 ? "allowed" : strerror(errno));
            return 0;
        }
        """

    /// `name=result/errno` for each call; the numbers are the same on x86_64 and arm64 (the
    /// unified table from 424 on).
    static let seccompProbe = """
        #include <errno.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <sys/socket.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        static void report(const char *name, long result) {
            printf("%s=%ld/%d\\n", name, result, result < 0 ? errno : 0);
        }
        int main(void) {
            errno = 0; report("io_uring_setup", syscall(425, 1, NULL));
            errno = 0; report("io_uring_enter", syscall(426, -1, 0, 0, 0, NULL, 0));
            errno = 0; report("io_uring_register", syscall(427, -1, 0, NULL, 0));
            errno = 0; report("socket_alg", socket(38, SOCK_SEQPACKET, 0));
            errno = 0; report("socket_vsock", socket(40, SOCK_STREAM, 0));
            errno = 0; report("socket_inet", socket(AF_INET, SOCK_DGRAM, 0));
            errno = 0; report("futex_waitv", syscall(449, NULL, 0, 0, NULL, 0));
            errno = 0; report("fchmodat2", syscall(452, AT_FDCWD, "/tmp", 01777, 0));
            errno = 0; report("futex_wake", syscall(454, NULL, 0, 0, 0));
            errno = 0; report("statmount", syscall(457, NULL, NULL, 0, 0));
            errno = 0; report("mseal", syscall(462, 0, 0, 0));
            errno = 0; report("unknown_1000", syscall(1000, 0, 0, 0));
            return 0;
        }
        """

    /// A libc-free 32-bit x86 probe (int 0x80): the socketcall path that libseccomp cannot
    /// filter by address family, the direct socket call, and an unknown number.
    static let socketcallProbe = """
        static long sys(long nr, long a, long b, long c) {
            long ret;
            __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
            return ret;
        }
        static void out(const char *s) { long n = 0; while (s[n]) n++; sys(4, 1, (long)s, n); }
        static void num(const char *name, long v) {
            char buf[64]; int i = 0; const char *p = name;
            while (*p) buf[i++] = *p++;
            buf[i++] = '=';
            if (v < 0) { buf[i++] = '-'; v = -v; }
            char d[16]; int k = 0; do { d[k++] = '0' + v % 10; v /= 10; } while (v);
            while (k) buf[i++] = d[--k];
            buf[i++] = '\\n'; buf[i] = 0; out(buf);
        }
        void _start(void) {
            long args[3] = {38, 5, 0};
            num("socketcall_alg", sys(102, 1, (long)args, 0));
            long inet[3] = {2, 2, 0};
            num("socketcall_inet", sys(102, 1, (long)inet, 0));
            num("socket_alg", sys(359, 38, 5, 0));
            num("socket_inet", sys(359, 2, 2, 0));
            num("unknown_1000", sys(1000, 0, 0, 0));
            sys(1, 0, 0, 0);
        }
        """

    /// The kernel runs 32-bit x86 programs (IA32 emulation) on this host.
    static var hostRuns32BitX86: Bool {
        #if arch(x86_64)
            return FileManager.default.fileExists(atPath: "/proc/sys/abi/vsyscall32")
        #else
            return false
        #endif
    }

    /// Sets `security.capability` (VFS_CAP_REVISION_2, effective bit) on `path`: nothing
    /// permitted, CAP_DAC_OVERRIDE inheritable. Only a process whose own inheritable set
    /// holds DAC_OVERRIDE gets it at exec.
    static func grantInheritableDacOverride(_ path: String) throws {
        let words: [UInt32] = [0x0200_0001, 0, 1 << 1, 0, 0]
        let bytes = words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) } }
        let file = try FileDescriptor.open(path, O_RDONLY)
        defer { file.close() }
        try file.setExtendedAttribute("security.capability", value: bytes)
    }

    static func results(_ output: String) -> [String: (result: Int, errno: Int32)] {
        var found: [String: (Int, Int32)] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let values = parts[1].split(separator: "/")
            guard values.count == 2, let result = Int(values[0]), let err = Int32(values[1]) else { continue }
            found[String(parts[0])] = (result, err)
        }
        return found
    }

    @Test(.timeLimit(.minutes(2)))
    func fileCapabilityBinaryGivesANonRootUserNoCapabilityInRunAndExec() throws {
        let container = try CraftedContainer("capinh", probe: Self.capabilityProbe)
        defer { container.cleanUp() }
        try Self.grantInheritableDacOverride(container.rootfs.path + "/bin/probe")

        let run = try container.run(["/bin/probe"], options: ["--user", "65534:65534"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("CapInh:\t0000000000000000"), "\(run.stdout)")
        #expect(run.stdout.contains("CapEff:\t0000000000000000"), "\(run.stdout)")
        #expect(run.stdout.contains("write-open /etc/passwd: Permission denied"), "\(run.stdout)")

        let started = try container.fixture.berth([
            "container", "run", "-d", "--rootfs", container.rootfs.path, "--name", container.id, "sleep", "600",
        ])
        try #require(started.status == 0, "\(started.stderr)")
        let exec = try container.fixture.berth([
            "container", "exec", "--user", "65534:65534", container.id, "/bin/probe",
        ])
        #expect(exec.status == 0, "\(exec.stderr)")
        #expect(exec.stdout.contains("CapInh:\t0000000000000000"), "\(exec.stdout)")
        #expect(exec.stdout.contains("write-open /etc/passwd: Permission denied"), "\(exec.stdout)")
        let root = try container.fixture.berth([
            "container", "exec", container.id, "grep", "CapInh", "/proc/self/status",
        ])
        #expect(root.stdout.contains("CapInh:\t0000000000000000"), "root's exec: \(root.stdout)")
    }

    @Test(.timeLimit(.minutes(2)))
    func seccompBlocksIoUringAndAfAlgAndLetsLibcFallBackFromNewAndUnknownCalls() throws {
        let container = try CraftedContainer("seccomp", probe: Self.seccompProbe)
        defer { container.cleanUp() }
        let run = try container.run(["/bin/probe"])
        #expect(run.status == 0, "\(run.stderr)")
        let calls = Self.results(run.stdout)
        for blocked in ["io_uring_setup", "io_uring_enter", "io_uring_register", "socket_alg", "socket_vsock"] {
            #expect(calls[blocked]?.result == -1 && calls[blocked]?.errno == EPERM, "\(blocked): \(run.stdout)")
        }
        #expect((calls["socket_inet"]?.result ?? -1) >= 0, "\(run.stdout)")
        // Allowed, or ENOSYS where this libseccomp cannot name them: never EPERM, which libc
        // would not fall back from.
        for newer in ["futex_waitv", "fchmodat2", "futex_wake", "statmount", "mseal"] {
            #expect(calls[newer] != nil && calls[newer]?.errno != EPERM, "\(newer): \(run.stdout)")
        }
        #expect(calls["fchmodat2"]?.errno == 0 || calls["fchmodat2"]?.errno == ENOSYS, "\(run.stdout)")
        #expect(calls["unknown_1000"]?.result == -1 && calls["unknown_1000"]?.errno == ENOSYS, "\(run.stdout)")
    }

    @Test(.timeLimit(.minutes(2)))
    func procInterruptsIsMaskedAsDockerMasksIt() throws {
        let container = try CraftedContainer("interrupts")
        defer { container.cleanUp() }
        // Host-wide interrupt counts are a side channel between containers (moby#49560).
        let run = try container.run(["sh", "-c", "cat /proc/interrupts; echo end"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "end\n", "\(run.stdout)")
    }

    @Test(.timeLimit(.minutes(2)), .enabled(if: hostRuns32BitX86, "needs x86_64 with IA32 emulation"))
    func thirtyTwoBitProgramsCannotReachAfAlgThroughSocketcall() throws {
        let container = try CraftedContainer(
            "sc32", probe: Self.socketcallProbe,
            flags: ["-m32", "-nostdlib", "-ffreestanding", "-fno-stack-protector", "-fno-pic", "-no-pie"])
        defer { container.cleanUp() }
        let run = try container.run(["/bin/probe"])
        #expect(run.status == 0, "\(run.stderr)")
        // The probe prints raw kernel returns: -errno on failure.
        #expect(run.stdout.contains("socketcall_alg=-38\n"), "\(run.stdout)")
        #expect(run.stdout.contains("socket_alg=-1\n"), "\(run.stdout)")
        #expect(!run.stdout.contains("socket_inet=-"), "\(run.stdout)")
        #expect(run.stdout.contains("unknown_1000=-38\n"), "\(run.stdout)")
    }
}
