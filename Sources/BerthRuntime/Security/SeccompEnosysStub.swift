import CSeccomp

/// A few classic-BPF instructions put in front of libseccomp's filter so that a syscall
/// *newer than anything the profile names* fails with ENOSYS instead of the profile's default
/// errno, as runc does (libcontainer/seccomp/patchbpf). libc and language runtimes probe new
/// calls (clone3, fchmodat2, futex_waitv …) and fall back to the old ones only on ENOSYS; an
/// EPERM makes them fail outright. Calls the profile knows about but does not allow still get
/// the profile's default action (EPERM for berth's and docker's default).
///
/// Layout, per architecture: `arch == A && nr > max(A) → ERRNO(ENOSYS)`, anything else falls
/// through to libseccomp's program, which starts by loading the architecture itself.
enum SeccompEnosysStub {
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
    #elseif arch(arm64)
        static let architectures = [
            Architecture(auditArch: 0xC000_00B7, token: 0xC000_00B7, sharesX32: false),
            Architecture(auditArch: 0x4000_0028, token: 0x4000_0028, sharesX32: false),
        ]
    #else
        static let architectures: [Architecture] = []
    #endif

    static let x32SyscallBit: UInt32 = 0x4000_0000
    static let enosys: UInt32 = 38

    /// The stub's instructions as bytes (8 per instruction, host byte order), or nothing when
    /// no name resolves.
    static func bytes(names: [String]) -> [UInt8] {
        var blocks: [(arch: Architecture, highest: UInt32)] = []
        for arch in architectures {
            // Names this libseccomp does not know (a profile newer than the library, e.g.
            // fchmodat2 or mseal with libseccomp 2.5.4) resolve to a negative number and are
            // skipped: they are above the highest known call, so they get ENOSYS here.
            let numbers = names.map { seccomp_syscall_resolve_name_arch(arch.token, $0) }.filter { $0 >= 0 }
            guard let highest = numbers.max() else { continue }
            blocks.append((arch, UInt32(highest) & ~x32SyscallBit))
        }
        guard !blocks.isEmpty else { return [] }
        // Instructions with symbolic jump targets: nil = libseccomp's start, -1 = the ENOSYS return.
        var program: [Instruction] = []
        for (index, block) in blocks.enumerated() {
            let isLastBlock = index == blocks.count - 1
            program.append(.load(offset: 4))
            program.append(.jumpIfEqual(block.arch.auditArch, otherwise: isLastBlock ? .start : .nextBlock))
            program.append(.load(offset: 0))
            if block.arch.sharesX32 { program.append(.skipIfSet(x32SyscallBit)) }
            program.append(.enosysIfGreater(block.highest))
        }
        program.append(.returnEnosys)
        return encode(program)
    }

    enum Target { case start, nextBlock }

    enum Instruction {
        case load(offset: UInt32)
        case jumpIfEqual(UInt32, otherwise: Target)
        case skipIfSet(UInt32)
        case enosysIfGreater(UInt32)
        case returnEnosys
    }

    /// Resolves targets to BPF's forward offsets (counted from the next instruction).
    static func encode(_ program: [Instruction]) -> [UInt8] {
        let start = program.count
        let enosysIndex = program.count - 1
        func offset(from index: Int, to target: Int) -> UInt8 { UInt8(clamping: target - index - 1) }
        func nextBlock(after index: Int) -> Int {
            program[(index + 1)...].firstIndex {
                if case .load(offset: 4) = $0 { return true }
                return false
            } ?? start
        }
        var bytes: [UInt8] = []
        for (index, instruction) in program.enumerated() {
            let (code, jt, jf, k): (UInt16, UInt8, UInt8, UInt32)
            switch instruction {
            case .load(let at):
                (code, jt, jf, k) = (0x20, 0, 0, at)  // BPF_LD | BPF_W | BPF_ABS
            case .jumpIfEqual(let value, let otherwise):
                let miss = otherwise == .start ? start : nextBlock(after: index)
                (code, jt, jf, k) = (0x15, 0, offset(from: index, to: miss), value)  // BPF_JMP | BPF_JEQ | BPF_K
            case .skipIfSet(let bits):
                (code, jt, jf, k) = (0x45, offset(from: index, to: start), 0, bits)  // BPF_JMP | BPF_JSET | BPF_K
            case .enosysIfGreater(let highest):
                // BPF_JMP | BPF_JGT | BPF_K
                (code, jt, jf, k) = (
                    0x25, offset(from: index, to: enosysIndex), offset(from: index, to: start), highest
                )
            case .returnEnosys:
                (code, jt, jf, k) = (0x06, 0, 0, 0x0005_0000 | enosys)  // BPF_RET | BPF_K, SECCOMP_RET_ERRNO
            }
            withUnsafeBytes(of: code) { bytes += $0 }
            bytes += [jt, jf]
            withUnsafeBytes(of: k) { bytes += $0 }
        }
        return bytes
    }
}
