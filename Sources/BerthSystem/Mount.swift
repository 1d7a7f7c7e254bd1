import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// mount(2), umount2(2) and pivot_root(2): the calls that build a container's filesystem view.
public enum Mount {
    public static func mount(
        source: String, target: String, type: String?, flags: UInt, data: String? = nil
    ) throws(SystemCallError) {
        try retryingOnInterrupt(
            "mount",
            "\"\(source)\", \"\(target)\", \(type.map { "\"\($0)\"" } ?? "NULL"), 0x\(String(flags, radix: 16)), \(data.map { "\"\($0)\"" } ?? "NULL")"
        ) {
            Glibc.mount(source, target, type, flags, data)
        }
    }

    public static func unmount(_ target: String, flags: Int32) throws(SystemCallError) {
        try retryingOnInterrupt("umount2", "\"\(target)\", \(flags)") { umount2(target, flags) }
    }

    public static func pivotRoot(newRoot: String, putOld: String) throws(SystemCallError) {
        try retryingOnInterrupt("pivot_root", "\"\(newRoot)\", \"\(putOld)\"") {
            berth_pivot_root(newRoot, putOld)
        }
    }
}
