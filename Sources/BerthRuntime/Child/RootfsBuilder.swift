import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Builds the container's filesystem view inside its own mount namespace: overlay rootfs,
/// /proc, /sys, /dev, per-container /etc files, the spec's mounts, then pivot_root.
struct RootfsBuilder {
    let spec: ContainerSpec
    let paths: ContainerPaths
    /// The pty slave to show as /dev/console (tty: true).
    let console: String?
    /// The container's cgroup, shown read-only at /sys/fs/cgroup (v1 only; nil shows none).
    let cgroup: Cgroup?

    /// Docker's masked paths (moby oci/defaults.go): /proc/interrupts and each CPU's
    /// thermal_throttle show host-wide interrupt counts, a side channel across containers.
    static let maskedPaths = [
        "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
        "/sys/devices/virtual/powercap",
    ]

    /// `/sys/devices/system/cpu/cpuN/thermal_throttle` for every CPU this container's /sys shows.
    static func thermalThrottlePaths() -> [String] {
        let base = "/sys/devices/system/cpu"
        guard let directory = try? FileDescriptor.open(base, O_RDONLY | O_DIRECTORY) else { return [] }
        defer { directory.close() }
        let names = (try? directory.directoryEntryNames()) ?? []
        return names.filter { $0.hasPrefix("cpu") && $0.count > 3 && $0.dropFirst(3).allSatisfy(\.isNumber) }
            .sorted().map { "\(base)/\($0)/thermal_throttle" }
    }
    static let readOnlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

    /// (name, major, minor) of the device nodes every container gets.
    static let devices: [(String, UInt32, UInt32)] = [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
    ]

    func build() throws(RuntimeError) {
        try system { () throws(SystemCallError) in
            try Mount.mount(source: "none", target: "/", type: nil, flags: Kernel.msRec | Kernel.msPrivate)
            let lower = spec.lowerDirectories.joined(separator: ":")
            try Mount.mount(
                source: "overlay", target: paths.rootfs, type: "overlay", flags: 0,
                data: "lowerdir=\(lower),upperdir=\(paths.upper),workdir=\(paths.work)")
        }
        let root = try system { () throws(SystemCallError) in
            try FileDescriptor.open(paths.rootfs, Kernel.oPath | O_DIRECTORY)
        }
        defer { root.close() }
        try RootfsBuilder.checkKernelDirectories(root)
        let hardened = Kernel.msNosuid | Kernel.msNodev | Kernel.msNoexec
        try mount(root, "/proc", source: "proc", type: "proc", flags: hardened)
        if spec.security.privileged {
            try mount(root, "/sys", source: "sysfs", type: "sysfs", flags: hardened)
            try mount(root, "/dev", source: "/dev", type: nil, flags: Kernel.msBind | Kernel.msRec)
        } else {
            try mount(root, "/sys", source: "sysfs", type: "sysfs", flags: hardened | Kernel.msRdonly)
            try buildDev(root)
        }
        try mountCgroups(root)
        for (name, content) in [
            ("hostname", spec.etcFiles.hostname), ("hosts", spec.etcFiles.hosts),
            ("resolv.conf", spec.etcFiles.resolvConf),
        ] where content != nil {
            try mount(
                root, "/etc/\(name)", source: "\(paths.etc)/\(name)", type: nil, flags: Kernel.msBind, kind: .file)
        }
        for entry in spec.mounts {
            switch entry.kind {
            case .bind(let source):
                var info = stat()
                guard stat(source, &info) == 0 else {
                    throw .setupFailed("bind mount source \"\(source)\" for \(entry.target): \(Errno.current)")
                }
                let kind: MountTarget.Kind =
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR: .directory
                    case S_IFCHR, S_IFBLK: .device
                    default: .file
                    }
                try mount(
                    root, entry.target, source: source, type: nil, flags: Kernel.msBind | Kernel.msRec, kind: kind)
                if entry.readOnly {
                    try mount(
                        root, entry.target, source: "none", type: nil,
                        flags: Kernel.msBind | Kernel.msRemount | Kernel.msRdonly,
                        kind: kind == .directory ? .directory : .remount)
                }
            case .tmpfs(let size, let mode):
                var options = ["mode=\(String(mode ?? 0o1777, radix: 8))"]
                if let size { options.append("size=\(size)") }
                try mount(
                    root, entry.target, source: "tmpfs", type: "tmpfs",
                    flags: Kernel.msNosuid | Kernel.msNodev | (entry.readOnly ? Kernel.msRdonly : 0),
                    data: options.joined(separator: ","))
            }
        }
        try system { () throws(SystemCallError) in
            try ProcessControl.changeDirectory(paths.rootfs)
            try Mount.pivotRoot(newRoot: ".", putOld: ".")
            try Mount.unmount(".", flags: Kernel.mntDetach)
            try ProcessControl.changeDirectory("/")
        }
    }

    /// Steps that need the final root: sysctls (before /proc/sys turns read-only), masking,
    /// read-only paths and the read-only rootfs.
    func finish() throws(RuntimeError) {
        for (key, value) in spec.sysctls.sorted(by: { $0.key < $1.key }) {
            let path = "/proc/sys/" + key.split(separator: ".").joined(separator: "/")
            do {
                try FileSystemCalls.writeFile(path, Array(value.utf8))
            } catch {
                throw .setupFailed("sysctl \(key)=\(value): \(error)")
            }
        }
        if !spec.security.privileged {
            for path in RootfsBuilder.maskedPaths + RootfsBuilder.thermalThrottlePaths() {
                var info = stat()
                guard stat(path, &info) == 0 else { continue }
                try system { () throws(SystemCallError) in
                    if (info.st_mode & S_IFMT) == S_IFDIR {
                        try Mount.mount(
                            source: "tmpfs", target: path, type: "tmpfs", flags: Kernel.msRdonly, data: "size=0")
                    } else {
                        try Mount.mount(source: "/dev/null", target: path, type: nil, flags: Kernel.msBind)
                    }
                }
            }
            for path in RootfsBuilder.readOnlyPaths where access(path, F_OK) == 0 {
                try system { () throws(SystemCallError) in
                    try Mount.mount(source: path, target: path, type: nil, flags: Kernel.msBind | Kernel.msRec)
                    try Mount.mount(
                        source: path, target: path, type: nil,
                        flags: Kernel.msBind | Kernel.msRemount | Kernel.msRdonly | Kernel.msRec)
                }
            }
        }
        if spec.readOnlyRootfs {
            try system { () throws(SystemCallError) in
                try Mount.mount(
                    source: "/", target: "/", type: nil, flags: Kernel.msBind | Kernel.msRemount | Kernel.msRdonly)
            }
        }
    }

    private func buildDev(_ root: FileDescriptor) throws(RuntimeError) {
        try mount(
            root, "/dev", source: "tmpfs", type: "tmpfs", flags: Kernel.msNosuid | Kernel.msStrictatime,
            data: "mode=755,size=65536k")
        let dev = "\(paths.rootfs)/dev"
        try system { () throws(SystemCallError) in
            for (name, major, minor) in RootfsBuilder.devices {
                try FileSystemCalls.makeNode("\(dev)/\(name)", mode: S_IFCHR | 0o666, major: major, minor: minor)
                chmod("\(dev)/\(name)", 0o666)
            }
            for dir in ["pts", "shm", "mqueue"] { try FileSystemCalls.makeDirectory("\(dev)/\(dir)") }
            try Mount.mount(
                source: "devpts", target: "\(dev)/pts", type: "devpts", flags: Kernel.msNosuid | Kernel.msNoexec,
                data: "newinstance,ptmxmode=0666,mode=0620,gid=5")
            try Mount.mount(
                source: "shm", target: "\(dev)/shm", type: "tmpfs",
                flags: Kernel.msNosuid | Kernel.msNodev | Kernel.msNoexec,
                data: "mode=1777,size=\(spec.resources.shmSizeBytes)")
            try Mount.mount(
                source: "mqueue", target: "\(dev)/mqueue", type: "mqueue",
                flags: Kernel.msNosuid | Kernel.msNodev | Kernel.msNoexec)
            if let console {
                let consolePath = "\(dev)/console"
                let file = try FileDescriptor.open(consolePath, O_WRONLY | O_CREAT, mode: 0o600)
                file.close()
                try Mount.mount(source: console, target: consolePath, type: nil, flags: Kernel.msBind)
            }
            for (link, target) in [
                ("ptmx", "pts/ptmx"), ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2"), ("core", "/proc/kcore"),
            ] {
                try FileSystemCalls.symlink(target, at: "\(dev)/\(link)")
            }
        }
    }

    /// Mounts onto `target` resolved inside the rootfs (see MountTarget: nothing is created or
    /// opened through an image's symlink, special files are refused); the mount goes through
    /// /proc/self/fd so a symlink swapped in later cannot redirect it.
    func mount(
        _ root: FileDescriptor, _ target: String, source: String, type: String?, flags: UInt, data: String? = nil,
        kind: MountTarget.Kind = .directory
    ) throws(RuntimeError) {
        let fd = try MountTarget.open(root, target, kind: kind)
        defer { fd.close() }
        do {
            try Mount.mount(
                source: source, target: "/proc/self/fd/\(fd.rawValue)", type: type, flags: flags, data: data)
        } catch {
            throw .setupFailed("mount \(target) (\(type ?? "bind") from \(source)): \(error)")
        }
    }

    /// runc refuses a rootfs whose /proc, /sys or /dev is not a plain directory: mounting
    /// procfs or sysfs "through" a link (say /sys -> /proc) would put them where the masking
    /// and read-only steps do not look, and /dev is filled through its host path below.
    static func checkKernelDirectories(_ root: FileDescriptor) throws(RuntimeError) {
        for name in ["proc", "sys", "dev"] {
            let status = try system { () throws(SystemCallError) in try root.statusAt(name) }
            guard let status, !status.isDirectory else { continue }
            let what =
                status.isSymbolicLink
                ? "a symbolic link (to \"\((try? root.readLinkAt(name)) ?? "?")\")" : "not a directory"
            throw .setupFailed(
                "the image's /\(name) is \(what); /proc, /sys and /dev must be plain directories in the image"
                    + " (runc refuses the same), so berth does not mount over what it points to")
        }
    }
}
