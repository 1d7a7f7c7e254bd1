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

    static let maskedPaths = [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ]
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
        let hardened = Kernel.msNosuid | Kernel.msNodev | Kernel.msNoexec
        try mount(root, "/proc", source: "proc", type: "proc", flags: hardened)
        if spec.security.privileged {
            try mount(root, "/sys", source: "sysfs", type: "sysfs", flags: hardened)
            try mount(root, "/dev", source: "/dev", type: nil, flags: Kernel.msBind | Kernel.msRec)
        } else {
            try mount(root, "/sys", source: "sysfs", type: "sysfs", flags: hardened | Kernel.msRdonly)
            try buildDev(root)
        }
        for (name, content) in [
            ("hostname", spec.etcFiles.hostname), ("hosts", spec.etcFiles.hosts),
            ("resolv.conf", spec.etcFiles.resolvConf),
        ] where content != nil {
            try mount(root, "/etc/\(name)", source: "\(paths.etc)/\(name)", type: nil, flags: Kernel.msBind, file: true)
        }
        for entry in spec.mounts {
            switch entry.kind {
            case .bind(let source):
                var info = stat()
                guard stat(source, &info) == 0 else {
                    throw .setupFailed("bind mount source \"\(source)\" for \(entry.target): \(Errno.current)")
                }
                let isFile = (info.st_mode & S_IFMT) != S_IFDIR
                try mount(
                    root, entry.target, source: source, type: nil, flags: Kernel.msBind | Kernel.msRec, file: isFile)
                if entry.readOnly {
                    try mount(
                        root, entry.target, source: "none", type: nil,
                        flags: Kernel.msBind | Kernel.msRemount | Kernel.msRdonly, file: isFile)
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
            for path in RootfsBuilder.maskedPaths {
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

    /// Mounts onto `target` resolved inside the rootfs with RESOLVE_IN_ROOT, creating missing
    /// directories (or the final file) on the way; the mount goes through /proc/self/fd so a
    /// symlink swapped in later cannot redirect it.
    private func mount(
        _ root: FileDescriptor, _ target: String, source: String, type: String?, flags: UInt, data: String? = nil,
        file: Bool = false
    ) throws(RuntimeError) {
        do {
            let fd = try RootfsBuilder.prepareTarget(root, target, file: file)
            defer { fd.close() }
            try Mount.mount(
                source: source, target: "/proc/self/fd/\(fd.rawValue)", type: type, flags: flags, data: data)
        } catch {
            throw .setupFailed("mount \(target) (\(type ?? "bind") from \(source)): \(error)")
        }
    }

    static func prepareTarget(_ root: FileDescriptor, _ target: String, file: Bool) throws(SystemCallError)
        -> FileDescriptor
    {
        let components = target.split(separator: "/").map(String.init)
        var current = "/"
        for (index, component) in components.enumerated() {
            let parent = try FileSystemCalls.openInRoot(root, current, flags: Kernel.oPath | O_DIRECTORY)
            defer { parent.close() }
            let next = current == "/" ? "/\(component)" : "\(current)/\(component)"
            let isLast = index == components.count - 1
            if (try? FileSystemCalls.openInRoot(root, next, flags: Kernel.oPath))?.close() == nil {
                let dirfd = try FileSystemCalls.openInRoot(root, current, flags: O_RDONLY | O_DIRECTORY)
                defer { dirfd.close() }
                if isLast && file {
                    let created = try dirfd.openAt(component, O_WRONLY | O_CREAT, mode: 0o644)
                    created.close()
                } else if mkdirat(dirfd.rawValue, component, 0o755) != 0 && errno != EEXIST {
                    throw SystemCallError("mkdirat", "\"\(next)\" in rootfs")
                }
            }
            current = next
        }
        return try FileSystemCalls.openInRoot(root, current, flags: Kernel.oPath)
    }
}
