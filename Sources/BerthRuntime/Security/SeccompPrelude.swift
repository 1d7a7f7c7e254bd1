import CSeccomp

/// A few classic-BPF instructions put in front of libseccomp's filter, for two decisions
/// libseccomp cannot express:
///
/// - **ENOSYS for calls newer than the profile**, as runc does (libcontainer/seccomp/patchbpf):
///   libc and language runtimes probe new calls (clone3, fchmodat2, futex_waitv …) and fall
///   back to the old ones only on ENOSYS; an EPERM makes them fail outright. Calls the profile
///   knows but does not allow still get the profile's default action.
/// - **socketcall denials on 32-bit x86.** libseccomp turns every `socket` rule into a
///   companion `socketcall(SYS_SOCKET)` rule that cannot look at the address family (it sits
///   behind a pointer), and that companion overrides a `socketcall` deny in the same filter
///   (adding the deny first makes the `socket` rules fail with EEXIST instead). So a
///   `socketcall` ERRNO rule whose only condition is `arg0 == N` (or none) is checked here.
///
/// Layout: one block per decision, each starting with `ld [arch]`; a block that does not match
/// falls through to the next, the last to libseccomp's program, which reloads what it needs.
enum SeccompPrelude {
    /// One architecture the filter covers: its AUDIT_ARCH value (what the kernel puts in
    /// seccomp_data.arch), the libseccomp token to resolve names with, and whether x32 calls
    /// (same AUDIT_ARCH, nr with bit 30 set) share it and must be left to libseccomp.
    struct Architecture {
        var auditArch: UInt32
        var token: UInt32
        var sharesX32: Bool
    }

    #if arch(x86_64)
        static let architectures = [
            Architecture(auditArch: 0xC000_003E, token: 0xC000_003E, sharesX32: true),
            Architecture(auditArch: 0x4000_0003, token: 0x4000_0003, sharesX32: false),
        ]
        /// AUDIT_ARCH_I386 and its socketcall number: the only entry point berth compiles
        /// that has the multiplexer.
        static let socketcallArchitecture: (auditArch: UInt32, number: UInt32)? = (0x4000_0003, 102)
    #elseif arch(arm64)
        static let architectures = [
            Architecture(auditArch: 0xC000_00B7, token: 0xC000_00B7, sharesX32: false),
            Architecture(auditArch: 0x4000_0028, token: 0x4000_0028, sharesX32: false),
        ]
        static let socketcallArchitecture: (auditArch: UInt32, number: UInt32)? = nil
    #else
        static let architectures: [Architecture] = []
        static let socketcallArchitecture: (auditArch: UInt32, number: UInt32)? = nil
    #endif

    static let x32SyscallBit: UInt32 = 0x4000_0000
    static let enosys: UInt32 = 38
    static let errnoAction: UInt32 = 0x0005_0000

    /// `socketcall(call, …)` answered with `errno` (every call when `call` is nil).
    struct SocketcallDenial: Equatable {
        var call: UInt32?
        var errno: UInt32
    }

    /// The denial a profile rule asks for, when this prelude is where it must be enforced.
    static func socketcallDenial(_ rule: SeccompProfile.Rule) -> SocketcallDenial? {
        guard socketcallArchitecture != nil, rule.action == "SCMP_ACT_ERRNO",
            (rule.names ?? []) + (rule.name.map { [$0] } ?? []) == ["socketcall"]
        else { return nil }
        let args = rule.args ?? []
        if args.isEmpty { return SocketcallDenial(call: nil, errno: rule.errnoRet ?? 1) }
        guard args.count == 1, let arg = args.first, arg.index == 0, arg.op == "SCMP_CMP_EQ",
            arg.value <= UInt64(UInt32.max)
        else { return nil }
        return SocketcallDenial(call: UInt32(arg.value), errno: rule.errnoRet ?? 1)
    }

    /// The prelude's instructions as bytes (8 per instruction, host byte order). `names` are
    /// the profile's calls, for the ENOSYS blocks; nil when the profile allows by default.
    static func bytes(enosysBeyond names: [String]?, socketcallDenials: [SocketcallDenial]) -> [UInt8] {
        var program: [Instruction] = []
        if let socketcall = socketcallArchitecture {
            for denial in socketcallDenials {
                program.append(.load(offset: 4))
                program.append(.unlessEqual(socketcall.auditArch))
                program.append(.load(offset: 0))
                program.append(.unlessEqual(socketcall.number))
                if let call = denial.call {
                    program.append(.load(offset: 16))  // low half of args[0] (little endian)
                    program.append(.unlessEqual(call))
                }
                program.append(.returnErrno(denial.errno))
            }
        }
        for arch in architectures {
            // Names this libseccomp does not know (a profile newer than the library) resolve
            // to a negative number and are skipped: above the highest known call, they get
            // ENOSYS here.
            let numbers = (names ?? []).map { seccomp_syscall_resolve_name_arch(arch.token, $0) }.filter { $0 >= 0 }
            guard let highest = numbers.max() else { continue }
            program.append(.load(offset: 4))
            program.append(.unlessEqual(arch.auditArch))
            program.append(.load(offset: 0))
            if arch.sharesX32 { program.append(.startIfSet(x32SyscallBit)) }
            program.append(.unlessGreater(UInt32(highest) & ~x32SyscallBit))
            program.append(.returnErrno(enosys))
        }
        return encode(program)
    }

    enum Instruction: Equatable {
        case load(offset: UInt32)
        /// Falls through when the accumulator equals the value, else jumps to the next block.
        case unlessEqual(UInt32)
        /// Falls through when the accumulator is greater, else jumps to libseccomp's start.
        case unlessGreater(UInt32)
        /// Jumps to libseccomp's start when any of the bits is set.
        case startIfSet(UInt32)
        case returnErrno(UInt32)
    }

    /// Resolves targets to BPF's forward offsets (counted from the next instruction). A block
    /// starts at each `ld [arch]`; past the last block is libseccomp's first instruction.
    static func encode(_ program: [Instruction]) -> [UInt8] {
        let start = program.count
        func offset(from index: Int, to target: Int) -> UInt8 { UInt8(clamping: target - index - 1) }
        func nextBlock(after index: Int) -> Int {
            program[(index + 1)...].firstIndex(of: .load(offset: 4)) ?? start
        }
        var bytes: [UInt8] = []
        for (index, instruction) in program.enumerated() {
            let code: UInt16
            var jt: UInt8 = 0
            var jf: UInt8 = 0
            let k: UInt32
            switch instruction {
            case .load(let at):
                (code, k) = (0x20, at)  // BPF_LD | BPF_W | BPF_ABS
            case .unlessEqual(let value):
                (code, k) = (0x15, value)  // BPF_JMP | BPF_JEQ | BPF_K
                jf = offset(from: index, to: nextBlock(after: index))
            case .unlessGreater(let value):
                (code, k) = (0x25, value)  // BPF_JMP | BPF_JGT | BPF_K
                jf = offset(from: index, to: start)
            case .startIfSet(let bits):
                (code, k) = (0x45, bits)  // BPF_JMP | BPF_JSET | BPF_K
                jt = offset(from: index, to: start)
            case .returnErrno(let value):
                (code, k) = (0x06, errnoAction | (value & 0xffff))  // BPF_RET | BPF_K, SECCOMP_RET_ERRNO
            }
            withUnsafeBytes(of: code) { bytes += $0 }
            bytes += [jt, jf]
            withUnsafeBytes(of: k) { bytes += $0 }
        }
        return bytes
    }
}
