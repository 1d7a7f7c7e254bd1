import BerthDiagnostics
import BerthStackFile

/// The kernel's limits on what execve(2) accepts, checked where a stack writes the command
/// and environment: past them the container's first exec fails with E2BIG, long after `up`
/// read the file.
public enum ExecLimits {
    /// MAX_ARG_STRLEN (32 pages of 4 KiB): the longest single argument or `KEY=VALUE`
    /// entry, counting its terminating NUL.
    public static let maxStringBytes = 131_072
    /// The most argv plus envp may take, counted as the kernel does (each string, its NUL and
    /// its pointer). The kernel allows a quarter of the stack rlimit, 2 MiB with the default
    /// 8 MiB; berth takes half of that, fixed, because the image's own environment and
    /// entrypoint, the variables berth adds (PATH, HOSTNAME) and a smaller stack ulimit in the
    /// container all come out of the same budget and are not known when the file is read.
    public static let maxTotalBytes = 1 << 20

    /// The kernel's count for one string.
    public static func cost(_ string: String) -> Int { string.utf8.count + 1 + MemoryLayout<UInt>.size }

    /// Why `string` cannot be passed to execve, or nil.
    public static func problem(_ string: String, what: String) -> ValueError? {
        let bytes = string.utf8.count + 1
        guard bytes > maxStringBytes else { return nil }
        return ValueError(
            "\(what) is \(bytes - 1) bytes; the kernel refuses an argument or environment entry over "
                + "\(maxStringBytes - 1) bytes (MAX_ARG_STRLEN)",
            hint: "pass large data in a file (a volume, config or secret) instead")
    }

    /// Why the whole of `strings` cannot be passed to execve, or nil.
    public static func totalProblem(_ strings: [String]) -> ValueError? {
        let total = strings.reduce(0) { $0 + cost($1) }
        guard total > maxTotalBytes else { return nil }
        return ValueError(
            "the command and environment take \(total) bytes; berth allows \(maxTotalBytes) "
                + "(half the kernel's 2 MiB default, leaving room for the image's environment)",
            hint: "pass large data in a file (a volume, config or secret) instead")
    }
}

extension ServiceParser {
    /// Every argument and environment entry, then their total, against `ExecLimits`.
    static func checkExecSizes(_ s: Service, _ m: Mapping, _ path: KeyPath, _ ctx: ParseContext) {
        for key in ["entrypoint", "command"] {
            guard let node = m[key], let arguments = key == "command" ? s.command : s.entrypoint else { continue }
            for (i, argument) in arguments.enumerated() {
                guard let failure = ExecLimits.problem(argument, what: "argument \(i) of '\(key)'") else { continue }
                let item = node.sequence.flatMap { i < $0.count ? $0[i] : nil }
                ctx.invalid(
                    item ?? node, item == nil ? path.appending(key) : path.appending(key).appending(index: i), failure)
            }
        }
        let environmentNode = m["environment"]
        for (name, value) in s.environment.sorted(by: { $0.key < $1.key }) {
            guard let failure = ExecLimits.problem("\(name)=\(value)", what: "environment variable '\(name)'") else {
                continue
            }
            let item =
                environmentNode?.mapping?[name]
                ?? environmentNode?.sequence?.first { $0.scalar?.text.hasPrefix("\(name)=") == true }
            ctx.error(
                "invalid-value", failure.message,
                at: item?.location ?? environmentNode?.location ?? m.entry("env_file")?.keyLocation,
                path.appending("environment").appending(name), hint: failure.hint)
        }
        let strings = (s.entrypoint ?? []) + (s.command ?? []) + s.environment.map { "\($0.key)=\($0.value)" }
        if let failure = ExecLimits.totalProblem(strings) {
            let at = m.entry("environment")?.keyLocation ?? m.entry("command")?.keyLocation
            ctx.error("invalid-value", failure.message, at: at, path, hint: failure.hint)
        }
    }
}
