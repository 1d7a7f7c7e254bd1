import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Identity and per-process security state: ids, groups, rlimits, prctl.
public enum Credentials {
    public static func setGroups(_ groups: [gid_t]) throws(SystemCallError) {
        try retryingOnInterrupt("setgroups", "\(groups)") { Glibc.setgroups(groups.count, groups) }
    }

    public static func setResGID(_ gid: gid_t) throws(SystemCallError) {
        try retryingOnInterrupt("setresgid", "\(gid), \(gid), \(gid)") { berth_setresgid(gid) }
    }

    public static func setResUID(_ uid: uid_t) throws(SystemCallError) {
        try retryingOnInterrupt("setresuid", "\(uid), \(uid), \(uid)") { berth_setresuid(uid) }
    }

    public static func setResourceLimit(_ resource: Int32, soft: UInt64, hard: UInt64) throws(SystemCallError) {
        var limit = rlimit(rlim_cur: rlim_t(soft), rlim_max: rlim_t(hard))
        try retryingOnInterrupt("setrlimit", "\(resource), \(soft), \(hard)") {
            Glibc.setrlimit(__rlimit_resource_t(UInt32(resource)), &limit)
        }
    }

    @discardableResult
    public static func prctl(
        _ option: Int32, _ a2: UInt = 0, _ a3: UInt = 0, _ a4: UInt = 0, _ a5: UInt = 0
    ) throws(SystemCallError) -> Int32 {
        try retryingOnInterrupt("prctl", "\(option), \(a2), \(a3)") { berth_prctl(option, a2, a3, a4, a5) }
    }
}
