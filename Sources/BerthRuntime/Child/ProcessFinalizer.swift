import BerthSystem
import CBerthShims
import CCap

#if canImport(Glibc)
    import Glibc
#endif

/// The last steps before execve, shared by the container's first process and `exec`: identity,
/// capabilities, no_new_privs, seccomp, working directory, descriptor hygiene.
struct ProcessFinalizer {
    var user: ResolvedUser
    var capabilities: CapabilitySet
    var lastCapability: Int
    var noNewPrivileges: Bool
    /// Compiled BPF; nil when unconfined.
    var seccomp: [UInt8]?
    var workingDirectory: String
    var environment: [String]
    var arguments: [String]

    func installSeccomp() throws(RuntimeError) {
        guard let seccomp, !seccomp.isEmpty else { return }
        let result = seccomp.withUnsafeBytes { raw in
            berth_seccomp_install(raw.baseAddress, UInt16(raw.count / 8))
        }
        if result != 0 {
            throw .system(SystemCallError("seccomp", "SECCOMP_SET_MODE_FILTER, \(seccomp.count / 8) instructions"))
        }
    }

    /// Applies everything and execs; only returns by throwing.
    func finishAndExecute() throws(RuntimeError) -> Never {
        try system { () throws(SystemCallError) in
            try Credentials.prctl(Kernel.prSetKeepcaps, 1)
            if noNewPrivileges { try Credentials.prctl(Kernel.prSetNoNewPrivs, 1) }
        }
        // Without no_new_privs, installing a filter needs CAP_SYS_ADMIN: do it while we have it.
        // Every call after this point (setgroups, setresuid, capset, prctl, execve) is allowed
        // by any sane profile.
        if !noNewPrivileges { try installSeccomp() }
        try system { () throws(SystemCallError) in
            for cap in 0...lastCapability where !capabilities.contains(cap) {
                try Credentials.prctl(Kernel.prCapbsetDrop, UInt(cap))
            }
            try Credentials.setGroups(user.additionalGroups)
            try Credentials.setResGID(user.gid)
            try Credentials.setResUID(user.uid)
        }
        try applyCapabilities()
        if noNewPrivileges { try installSeccomp() }
        try system { () throws(SystemCallError) in
            if chdir(workingDirectory) != 0 {
                throw SystemCallError("chdir", "working_dir \"\(workingDirectory)\" inside the container")
            }
            try FileSystemCalls.closeRange(from: 3, flags: Kernel.closeRangeCloexec)
        }
        let program = try resolveProgram()
        throw .system(ProcessControl.execute(program, arguments: arguments, environment: environment))
    }

    private func applyCapabilities() throws(RuntimeError) {
        guard let caps = cap_init() else { throw .system(SystemCallError("cap_init")) }
        defer { cap_free(UnsafeMutableRawPointer(caps)) }
        let values = capabilities.numbers.map { cap_value_t($0) }
        // The inheritable set stays empty (CVE-2022-24769, as runc and docker since 20.10.14):
        // with it full, a file-capability binary would hand a non-root user the container's
        // capabilities, which the user never had. Ambient is cleared below for the same reason.
        if !values.isEmpty {
            for flag in [CAP_EFFECTIVE, CAP_PERMITTED] {
                cap_set_flag(caps, flag, Int32(values.count), values, CAP_SET)
            }
        }
        if cap_set_proc(caps) != 0 { throw .system(SystemCallError("cap_set_proc", "\(capabilities.bits)")) }
        _ = berth_prctl(Kernel.prCapAmbient, Kernel.prCapAmbientClearAll, 0, 0, 0)
    }

    /// PATH lookup in the container's environment, like execvpe.
    func resolveProgram() throws(RuntimeError) -> String {
        guard let first = arguments.first, !first.isEmpty else {
            throw .setupFailed("no command: the container has neither an entrypoint nor a command")
        }
        if first.contains("/") { return first }
        let path =
            environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
            ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(first)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw .setupFailed("executable \"\(first)\" not found in PATH \(path) inside the container")
    }
}
