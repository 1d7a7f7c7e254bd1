extension ContainerSpec {
    /// Sysctl prefixes that are namespaced (apply only to the container); anything else would
    /// change the host and is rejected.
    static let namespacedSysctlPrefixes = ["kernel.shm", "kernel.msg", "fs.mqueue.", "net."]

    /// Checks what can be checked before anything is created, so mistakes surface in the CLI
    /// rather than in a supervisor's log.
    public func validate() throws(RuntimeError) {
        guard !lowerDirectories.isEmpty else {
            throw .invalidSpec("no root filesystem layers (lowerDirectories is empty)")
        }
        guard !process.arguments.isEmpty else { throw .invalidSpec("no command: set an entrypoint or command") }
        if case .join = namespaces.pid {
            throw .invalidSpec("joining another PID namespace (pid: container:...) is not supported")
        }
        for key in sysctls.keys {
            let allowed = key == "kernel.sem" || ContainerSpec.namespacedSysctlPrefixes.contains { key.hasPrefix($0) }
            guard allowed else {
                throw .invalidSpec(
                    "sysctl \(key) is not namespaced and would change the host; allowed: kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*"
                )
            }
            if key.hasPrefix("net."), namespaces.network == .host {
                throw .invalidSpec("sysctl \(key) cannot be set with network_mode: host (it would change the host)")
            }
        }
        for mount in mounts where !mount.target.hasPrefix("/") {
            throw .invalidSpec("mount target \"\(mount.target)\" must be an absolute path inside the container")
        }
        for limit in rlimits where ContainerChild.rlimitNumbers[limit.name] == nil {
            throw .invalidSpec(
                "unknown ulimit \"\(limit.name)\"; known: \(ContainerChild.rlimitNumbers.keys.sorted().joined(separator: ", "))"
            )
        }
        if !process.workingDirectory.hasPrefix("/") {
            throw .invalidSpec("working_dir \"\(process.workingDirectory)\" must be absolute")
        }
        _ = try CapabilitySet.resolve(security, lastCapability: 40)
        if case .profile(let source, let json) = security.seccomp {
            _ = try SeccompProfile.parse(json: json, source: source)
        }
    }
}
