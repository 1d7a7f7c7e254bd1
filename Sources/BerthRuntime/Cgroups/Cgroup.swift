import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A container's cgroup, `berth/<id>`, in every controller berth uses. The layout (v1 with a
/// directory per controller, or the v2 unified tree) is detected at run time.
struct Cgroup {
    enum Layout: Equatable {
        case v1(mounts: [String: String])
        case v2(mount: String)
    }

    let layout: Layout
    let name: String

    static let v1Controllers = ["memory", "cpu", "pids", "devices", "freezer"]

    static func detectLayout(base: String = "/sys/fs/cgroup") -> Layout {
        if access("\(base)/cgroup.controllers", F_OK) == 0 { return .v2(mount: base) }
        var mounts: [String: String] = [:]
        for controller in v1Controllers where access("\(base)/\(controller)/cgroup.procs", F_OK) == 0 {
            mounts[controller] = "\(base)/\(controller)"
        }
        return .v1(mounts: mounts)
    }

    init(id: String, layout: Layout = Cgroup.detectLayout()) {
        self.layout = layout
        name = "berth/\(id)"
    }

    /// Every directory of this cgroup (one per v1 controller, or one in v2).
    var directories: [String] {
        switch layout {
        case .v1(let mounts): mounts.keys.sorted().compactMap { mounts[$0].map { "\($0)/\(name)" } }
        case .v2(let mount): ["\(mount)/\(name)"]
        }
    }

    private func directory(_ controller: String) -> String? {
        switch layout {
        case .v1(let mounts): mounts[controller].map { "\($0)/\(name)" }
        case .v2(let mount): "\(mount)/\(name)"
        }
    }

    private func write(_ controller: String, _ file: String, _ value: String) throws(SystemCallError) {
        guard let dir = directory(controller) else { return }
        try FileSystemCalls.writeFile("\(dir)/\(file)", Array(value.utf8))
    }

    /// Docker's device policy: nothing but the pseudo devices, the tty/pty devices, and no block
    /// devices at all (so mknod of a disk fails even with CAP_MKNOD).
    static let allowedDevices = [
        "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",
        "c 136:* rwm", "c 10:200 rwm", "c *:* m",
    ]

    func create(_ resources: ResourceSpec, privileged: Bool) throws(SystemCallError) {
        if case .v2(let mount) = layout {
            // Controllers must be enabled for children at each level above the container.
            try? FileSystemCalls.makeDirectory("\(mount)/berth")
            for controller in ["memory", "cpu", "pids"] {
                try? FileSystemCalls.writeFile("\(mount)/cgroup.subtree_control", Array("+\(controller)".utf8))
                try? FileSystemCalls.writeFile("\(mount)/berth/cgroup.subtree_control", Array("+\(controller)".utf8))
            }
        }
        for dir in directories { try FileSystemCalls.makeDirectories(dir) }
        switch layout {
        case .v1:
            if let memory = resources.memoryBytes {
                try write("memory", "memory.limit_in_bytes", String(memory))
                if let dir = directory("memory"), access("\(dir)/memory.memsw.limit_in_bytes", F_OK) == 0 {
                    // docker's default swap allowance is the limit again; a limit near Int64.max
                    // saturates instead of trapping.
                    let doubled = memory.multipliedReportingOverflow(by: 2)
                    let swap = resources.memorySwapBytes ?? (doubled.overflow ? Int64.max : doubled.partialValue)
                    try write("memory", "memory.memsw.limit_in_bytes", swap < 0 ? "-1" : String(max(swap, memory)))
                }
            }
            if let millis = resources.cpuMillis {
                try write("cpu", "cpu.cfs_period_us", "100000")
                try write("cpu", "cpu.cfs_quota_us", String(millis * 100))
            }
            if let shares = resources.cpuShares { try write("cpu", "cpu.shares", String(shares)) }
            if let pids = resources.pidsLimit { try write("pids", "pids.max", pids > 0 ? String(pids) : "max") }
            if !privileged, directory("devices") != nil {
                try write("devices", "devices.deny", "a")
                for rule in Cgroup.allowedDevices { try write("devices", "devices.allow", rule) }
            }
        case .v2:
            if let memory = resources.memoryBytes {
                try write("memory", "memory.max", String(memory))
                if let swap = resources.memorySwapBytes {
                    try? write("memory", "memory.swap.max", swap < 0 ? "max" : String(max(0, swap - memory)))
                }
            }
            if let millis = resources.cpuMillis { try write("cpu", "cpu.max", "\(millis * 100) 100000") }
            if let shares = resources.cpuShares {
                try write("cpu", "cpu.weight", String(max(1, min(10000, 1 + ((shares - 2) * 9999) / 262142))))
            }
            if let pids = resources.pidsLimit { try write("pids", "pids.max", pids > 0 ? String(pids) : "max") }
        }
    }

    /// Moves `pid` into every directory; done by the parent before it lets the child exec.
    func add(_ pid: pid_t) throws(SystemCallError) {
        for dir in directories { try FileSystemCalls.writeFile("\(dir)/cgroup.procs", Array(String(pid).utf8)) }
    }

    /// In v1 a process can move itself: writing "0" to `tasks` moves the calling thread, and
    /// the kernel skips the global threadgroup lock for that case (moving another pid through
    /// `cgroup.procs` takes it, which waits for an RCU grace period: ~1-10 ms per start). v2
    /// has no such path (threads of a domain cgroup cannot be moved alone), so there the
    /// parent keeps using `add`.
    var joinsItself: Bool { if case .v1 = layout { true } else { false } }

    /// Moves the calling thread (the whole process when single-threaded, as the container's
    /// child and the exec helper are) into every v1 directory.
    func joinSelf() throws(SystemCallError) {
        for dir in directories { try FileSystemCalls.writeFile("\(dir)/tasks", Array("0".utf8)) }
    }

    /// Number of OOM kills so far in this cgroup.
    func oomKills() -> Int {
        let file: String
        switch layout {
        case .v1: file = directory("memory").map { "\($0)/memory.oom_control" } ?? ""
        case .v2(let mount): file = "\(mount)/\(name)/memory.events"
        }
        guard let bytes = try? FileSystemCalls.readFile(file) else { return 0 }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == "oom_kill" { return Int(parts[1]) ?? 0 }
        }
        return 0
    }

    func processes() -> [pid_t] {
        directories.flatMap { dir -> [pid_t] in
            guard let bytes = try? FileSystemCalls.readFile("\(dir)/cgroup.procs") else { return [] }
            return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { pid_t($0) }
        }
    }

    /// Kills what is left and removes the directories; bounded retries while the kernel
    /// finishes tearing processes down.
    func remove() {
        for attempt in 0..<200 {
            let remaining = processes()
            for pid in remaining { _ = kill(pid, SIGKILL) }
            var busy = false
            for dir in directories where rmdir(dir) != 0 && errno != ENOENT { busy = true }
            if !busy {
                // The shared `berth` parent goes with the last container, so an idle host
                // carries no berth cgroup at all; while others remain it is busy and stays.
                for dir in directories {
                    if let slash = dir.lastIndex(of: "/") { _ = rmdir(String(dir[..<slash])) }
                }
                return
            }
            var ts = timespec(tv_sec: 0, tv_nsec: attempt < 20 ? 1_000_000 : 10_000_000)
            nanosleep(&ts, nil)
        }
    }
}
