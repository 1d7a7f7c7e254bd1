import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// unshare(2)/setns(2)/clone(2) and the UTS names: entering and creating namespaces.
public enum Namespace {
    public static func unshare(_ flags: Int32) throws(SystemCallError) {
        try retryingOnInterrupt("unshare", "0x\(String(flags, radix: 16))") { berth_unshare(flags) }
    }

    public static func setns(_ fd: FileDescriptor, type: Int32) throws(SystemCallError) {
        try retryingOnInterrupt("setns", "\(fd.rawValue), 0x\(String(type, radix: 16))") {
            berth_setns(fd.rawValue, type)
        }
    }

    /// Forks into new namespaces. Returns 0 in the child, the child's pid in the parent. Only a
    /// single-threaded caller may use this: the child continues running the caller's code.
    public static func cloneProcess(flags: Int32) throws(SystemCallError) -> pid_t {
        let pid = try retryingOnInterrupt("clone", "0x\(String(flags, radix: 16))") {
            berth_clone(UInt(UInt32(bitPattern: flags)))
        }
        return pid_t(pid)
    }

    public static func setHostname(_ name: String) throws(SystemCallError) {
        let bytes = Array(name.utf8)
        try retryingOnInterrupt("sethostname", "\"\(name)\"") { Glibc.sethostname(name, bytes.count) }
    }

    public static func setDomainname(_ name: String) throws(SystemCallError) {
        let bytes = Array(name.utf8)
        try retryingOnInterrupt("setdomainname", "\"\(name)\"") { Glibc.setdomainname(name, bytes.count) }
    }
}
