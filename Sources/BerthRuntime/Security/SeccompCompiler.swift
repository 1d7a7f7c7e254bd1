import BerthEncoding
import BerthSystem
import CSeccomp

#if canImport(Glibc)
    import Glibc
#endif

/// Turns a profile plus the container's capabilities into classic BPF bytes. Done in the parent
/// (supervisor), cached on disk, so the container child only has to install bytes.
enum SeccompCompiler {
    #if arch(x86_64)
        static let archName = "amd64"
        /// SCMP_ARCH_X86 (AUDIT_ARCH_I386) and SCMP_ARCH_X32 (EM_X86_64 | __AUDIT_ARCH_LE).
        static let subArchitectures: [UInt32] = [0x4000_0003, 0x4000_003E]
    #elseif arch(arm64)
        static let archName = "arm64"
        /// SCMP_ARCH_ARM (AUDIT_ARCH_ARM).
        static let subArchitectures: [UInt32] = [0x4000_0028]
    #else
        static let archName = "unknown"
        static let subArchitectures: [UInt32] = []
    #endif

    /// Returns cached BPF for (profile, caps) or compiles and caches it under `cacheDirectory`.
    static func compiled(_ profile: SeccompProfile, capabilities: CapabilitySet, cacheDirectory: String)
        throws(RuntimeError) -> (bytes: [UInt8], path: String)
    {
        let key: String
        do {
            key =
                try JSONCoding.encodeString(profile)
                + "|caps=\(capabilities.bits)|arch=\(archName)+\(subArchitectures)|\(kernelRelease())"
                + "|compiler=\(compilerVersion)"
        } catch {
            throw .seccomp("cannot serialise profile: \(error)")
        }
        let path = "\(cacheDirectory)/\(String(fnv1a(key), radix: 16)).bpf"
        if let cached = try? FileSystemCalls.readFile(path), !cached.isEmpty, cached.count % 8 == 0 {
            return (cached, path)
        }
        let bytes = try compile(profile, capabilities: capabilities)
        try system { () throws(SystemCallError) in
            try FileSystemCalls.makeDirectories(cacheDirectory, mode: 0o700)
            try AtomicFile.write(path, bytes)
        }
        return (bytes, path)
    }

    /// Part of the cache key: bump it whenever the same profile compiles to different code
    /// (2: SeccompPrelude, ENOSYS for calls newer than the profile and socketcall denials).
    static let compilerVersion = 2

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    static func kernelRelease() -> String {
        var info = utsname()
        uname(&info)
        return withUnsafeBytes(of: &info.release) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    static func kernelAtLeast(_ version: String) -> Bool {
        func parts(_ s: String) -> [Int] {
            s.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        }
        let have = parts(kernelRelease())
        let want = parts(version)
        return have.lexicographicallyPrecedes(want) == false
    }

    static func applies(_ rule: SeccompProfile.Rule, capabilities: CapabilitySet) -> Bool {
        if let includes = rule.includes {
            if let caps = includes.caps, !caps.allSatisfy({ capabilities.contains(name: $0) }) { return false }
            if let arches = includes.arches, !arches.isEmpty, !arches.contains(archName) { return false }
            if let minKernel = includes.minKernel, !kernelAtLeast(minKernel) { return false }
        }
        if let excludes = rule.excludes {
            if let caps = excludes.caps, caps.contains(where: { capabilities.contains(name: $0) }) { return false }
            if let arches = excludes.arches, arches.contains(archName) { return false }
        }
        return true
    }

    static func compile(_ profile: SeccompProfile, capabilities: CapabilitySet) throws(RuntimeError) -> [UInt8] {
        let source = "profile"
        let defaultAction = try SeccompProfile.action(
            profile.defaultAction, errno: profile.defaultErrnoRet, source: source)
        guard let context = seccomp_init(defaultAction) else { throw .seccomp("seccomp_init failed") }
        defer { seccomp_release(context) }
        // Like docker's archMap: 32-bit (x86) and x32 entry points get the same policy instead
        // of being killed outright; libseccomp maps each rule to their syscall numbers.
        for arch in subArchitectures {
            let result = seccomp_arch_add(context, arch)
            if result < 0 && -result != EEXIST {
                throw .seccomp("cannot add architecture 0x\(String(arch, radix: 16)): \(Errno(rawValue: -result))")
            }
        }
        var socketcallDenials: [SeccompPrelude.SocketcallDenial] = []
        for rule in profile.syscalls ?? [] where applies(rule, capabilities: capabilities) {
            if let denial = SeccompPrelude.socketcallDenial(rule) {
                socketcallDenials.append(denial)
                continue
            }
            let action = try SeccompProfile.action(rule.action, errno: rule.errnoRet, source: source)
            if action == defaultAction { continue }
            let comparisons = (rule.args ?? []).map { arg in
                scmp_arg_cmp(
                    arg: arg.index, op: scmp_compare(rawValue: SeccompProfile.comparison(arg.op) ?? 4),
                    datum_a: arg.value, datum_b: arg.valueTwo ?? 0)
            }
            for name in (rule.names ?? []) + (rule.name.map { [$0] } ?? []) {
                let number = seccomp_syscall_resolve_name(name)
                if number < 0 { continue }  // not a syscall on this architecture
                let result = comparisons.withUnsafeBufferPointer {
                    seccomp_rule_add_array(context, action, number, UInt32($0.count), $0.baseAddress)
                }
                if result < 0 {
                    throw .seccomp("cannot add rule for \(name): \(Errno(rawValue: -result))")
                }
            }
        }
        let memfd = try system { () throws(SystemCallError) in
            try FileSystemCalls.memfdCreate("berth-seccomp", flags: 1)
        }
        defer { memfd.close() }
        let exported = seccomp_export_bpf(context, memfd.rawValue)
        if exported < 0 { throw .seccomp("seccomp_export_bpf failed: \(Errno(rawValue: -exported))") }
        let filter = try system { () throws(SystemCallError) in
            try FileSystemCalls.readFile("/proc/self/fd/\(memfd.rawValue)")
        }
        // A profile that denies by default gets runc's ENOSYS for calls newer than it knows;
        // one that allows by default (a deny list) has nothing to add.
        let deniesByDefault = defaultAction != allowAction && defaultAction != logAction
        let names = (profile.syscalls ?? []).filter { applies($0, capabilities: capabilities) }
            .flatMap { ($0.names ?? []) + ($0.name.map { [$0] } ?? []) }
        return SeccompPrelude.bytes(enosysBeyond: deniesByDefault ? names : nil, socketcallDenials: socketcallDenials)
            + filter
    }

    static let allowAction: UInt32 = 0x7fff_0000
    static let logAction: UInt32 = 0x7ffc_0000
}
