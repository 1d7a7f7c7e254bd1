import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

extension RootfsBuilder {
    /// /sys/fs/cgroup as docker gives it on cgroup v1: a read-only tmpfs with one directory per
    /// controller, each the container's own cgroup bound read-only. Programs that size
    /// themselves from their limits (JVMs, Go, Node) then read the container's limits, and
    /// nothing of the host's cgroup tree is visible. With the cgroup namespace the child
    /// unshares before exec, /proc/self/cgroup shows "/" for each controller as well.
    func mountCgroups(_ root: FileDescriptor) throws(RuntimeError) {
        guard let cgroup, case .v1(let mounts) = cgroup.layout, !mounts.isEmpty else { return }
        let hardened = Kernel.msNosuid | Kernel.msNodev | Kernel.msNoexec
        let readOnly = Kernel.msBind | Kernel.msRemount | Kernel.msRdonly | hardened
        try mount(root, "/sys/fs/cgroup", source: "tmpfs", type: "tmpfs", flags: hardened, data: "mode=755,size=64k")
        for controller in mounts.keys.sorted() {
            guard let host = mounts[controller] else { continue }
            let target = "/sys/fs/cgroup/\(controller)"
            try mount(root, target, source: "\(host)/\(cgroup.name)", type: nil, flags: Kernel.msBind)
            try mount(root, target, source: "none", type: nil, flags: readOnly, kind: .remount)
        }
        try mount(root, "/sys/fs/cgroup", source: "none", type: nil, flags: readOnly, kind: .remount)
    }
}
