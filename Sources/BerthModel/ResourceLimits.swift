#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The checks docker applies to a container's CPU and memory limits, so a limit that the
/// kernel would refuse (`cpu.cfs_quota_us` of 0 is EINVAL) or that kills the container at
/// once (a few bytes of memory) is refused where it is written, before anything is created.
/// As in docker, 0 means "no limit".
public enum ResourceLimits {
    /// docker: "Minimum memory limit allowed is 6MB"; below this a container cannot even
    /// start its first process.
    public static let minimumMemory: Int64 = 6 * 1024 * 1024
    /// docker's smallest CPU limit, 0.01 CPUs (1 ms of CPU time per 100 ms period).
    public static let minimumNanoCPUs: Int64 = 10_000_000

    /// CPUs this host can run the container on: a limit above it cannot be honoured.
    public static var hostCPUs: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// The memory limit to apply: nil for 0 (no limit); refuses values under 6 MiB.
    public static func memory(_ value: ByteCount) throws(ValueError) -> ByteCount? {
        if value.bytes == 0 { return nil }
        guard value.bytes >= minimumMemory else {
            throw ValueError(
                "a memory limit of \(value.bytes) bytes is below the minimum of 6MB",
                hint: "write at least '6m', or 0 for no limit (as docker)")
        }
        return value
    }

    /// The CPU limit to apply: nil for 0 (no limit); refuses what docker refuses.
    public static func cpus(_ value: CPUCount, hostCPUs: Int = ResourceLimits.hostCPUs) throws(ValueError) -> CPUCount?
    {
        if value.nanoCPUs == 0 { return nil }
        guard value.nanoCPUs >= minimumNanoCPUs, value.nanoCPUs <= Int64(hostCPUs) * 1_000_000_000 else {
            throw ValueError(
                "range of CPUs is from 0.01 to \(hostCPUs).00, as there are only \(hostCPUs) CPUs available",
                hint: "write a number of CPUs between 0.01 and \(hostCPUs), or 0 for no limit (as docker)")
        }
        return value
    }

    /// A `cpus` limit as written in a stack file: parsed and checked, 0 kept (it prints as
    /// written and means no limit).
    public static func parseCPUs(_ text: String) throws(ValueError) -> CPUCount {
        let value = try CPUCount(parsing: text)
        _ = try cpus(value)
        return value
    }

    /// A memory limit as written in a stack file: parsed and checked, 0 kept.
    public static func parseMemory(_ text: String) throws(ValueError) -> ByteCount {
        let value = try ByteCount(parsing: text)
        _ = try memory(value)
        return value
    }
}
