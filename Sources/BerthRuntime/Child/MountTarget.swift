import BerthSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Finds (and if needed creates) the place a mount lands inside the container's rootfs. The
/// rootfs is image content: any entry on the way may be a symlink (absolute, or full of `..`)
/// or a FIFO or device node, and this runs as root on the host before `pivot_root`. So:
/// - every lookup is openat2 RESOLVE_IN_ROOT, which keeps symlinks and `..` inside the rootfs
///   (runc's securejoin behaviour: `/etc/hostname -> ../../../../tmp/x` means `<rootfs>/tmp/x`);
/// - nothing is created through a symlink: a dangling link is read and its target prepared
///   inside the rootfs instead, and new entries are made with mkdirat or O_CREAT|O_EXCL|O_NOFOLLOW
///   in a directory that was itself resolved inside the rootfs;
/// - the target is opened O_PATH only, so a FIFO cannot block and a device is never opened
///   (O_PATH opens nothing; openat2 rejects O_NONBLOCK next to it, and it is not needed);
/// - FIFOs, sockets and device nodes are refused as targets (a device only when a device is
///   bound onto it).
enum MountTarget {
    /// What the mount needs at `target`.
    enum Kind {
        case directory
        case file
        /// A bind of a device node (privileged containers only have host devices to bind).
        case device
        /// The read-only remount of a bind berth just made: whatever the source was (a host
        /// FIFO or socket a stack binds on purpose) is there now.
        case remount
    }

    /// The kernel's MAXSYMLINKS: a loop of links fails instead of recursing forever.
    static let maximumLinks = 40

    /// An O_PATH descriptor of `target` inside `root`, ready for a mount through /proc/self/fd.
    static func open(_ root: FileDescriptor, _ target: String, kind: Kind) throws(RuntimeError) -> FileDescriptor {
        try open(root, components: target.split(separator: "/").map(String.init), kind: kind, target: target, links: 0)
    }

    private static func open(
        _ root: FileDescriptor, components: [String], kind: Kind, target: String, links: Int
    ) throws(RuntimeError) -> FileDescriptor {
        guard links <= maximumLinks else {
            throw .setupFailed("mount target \(target): more than \(maximumLinks) symbolic links in the image's path")
        }
        var current = "/"
        for (index, component) in components.enumerated() {
            let next = current == "/" ? "/\(component)" : "\(current)/\(component)"
            let isLast = index == components.count - 1
            if isLast && kind != .directory {
                return try finalEntry(root, parent: current, name: component, kind: kind, target: target, links: links)
            }
            do {
                try FileSystemCalls.openInRoot(root, next, flags: Kernel.oPath | O_DIRECTORY).close()
                current = next
                continue
            } catch let error where error.errno == .noEntry {
                // Missing (or a dangling link): made below.
            } catch {
                throw refusal(target, "\(next) in the image is not a directory (\(error))")
            }
            let parent = try directory(root, current, target: target)
            defer { parent.close() }
            do {
                try parent.makeDirectoryAt(component, mode: 0o755)
                current = next
                continue
            } catch let error where error.errno == .exists {
                // Exists although the lookup found nothing: see below.
            } catch {
                throw .setupFailed("mount target \(target): \(error) in \(current) of the rootfs")
            }
            // EEXIST although the lookup found nothing: a dangling symlink. Prepare what it
            // points to, inside the rootfs, then the rest of the path beneath that.
            let status = try system { () throws(SystemCallError) in try parent.statusAt(component) }
            guard status?.isSymbolicLink == true else {
                current = next
                continue
            }
            let link = try linkTarget(parent, component, at: next, target: target)
            let rest = Array(components[(index + 1)...])
            return try open(
                root, components: resolved(link, in: current) + rest, kind: kind, target: target, links: links + 1)
        }
        return try system { () throws(SystemCallError) in
            try FileSystemCalls.openInRoot(root, current, flags: Kernel.oPath | O_DIRECTORY)
        }
    }

    /// The last component of a file or device target: opened O_PATH if it exists (after
    /// checking its type), created as an empty regular file if not.
    private static func finalEntry(
        _ root: FileDescriptor, parent path: String, name: String, kind: Kind, target: String, links: Int
    ) throws(RuntimeError) -> FileDescriptor {
        let full = path == "/" ? "/\(name)" : "\(path)/\(name)"
        do {
            let fd = try FileSystemCalls.openInRoot(root, full, flags: Kernel.oPath)
            do {
                try checkType(fd, kind: kind, target: target)
            } catch {
                fd.close()
                throw error
            }
            return fd
        } catch let error as SystemCallError where error.errno == .noEntry {
            // Missing, or a dangling link: handled below.
        } catch let error as SystemCallError {
            throw refusal(target, "cannot open \(full) in the image: \(error)")
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw .setupFailed("mount target \(target): \(error)")
        }
        let parent = try directory(root, path, target: target)
        defer { parent.close() }
        if let status = try system({ () throws(SystemCallError) in try parent.statusAt(name) }), status.isSymbolicLink {
            let link = try linkTarget(parent, name, at: full, target: target)
            return try open(root, components: resolved(link, in: path), kind: kind, target: target, links: links + 1)
        }
        return try system { () throws(SystemCallError) in
            try parent.openAt(name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, mode: 0o644)
                .close()
            return try FileSystemCalls.openInRoot(root, full, flags: Kernel.oPath)
        }
    }

    /// Regular files take a file mount; device nodes only a device bind; FIFOs and sockets
    /// never (an image could otherwise make setup wait on a FIFO or hide a path behind one).
    private static func checkType(_ fd: FileDescriptor, kind: Kind, target: String) throws(RuntimeError) {
        let status = try system { () throws(SystemCallError) in try fd.status() }
        let type = status.fileType
        if kind == .remount { return }
        if type == UInt32(S_IFREG) && kind == .file { return }
        if (type == UInt32(S_IFCHR) || type == UInt32(S_IFBLK)) && kind == .device { return }
        if type == UInt32(S_IFREG) && kind == .device { return }
        let what: String
        switch type {
        case UInt32(S_IFIFO): what = "a FIFO"
        case UInt32(S_IFSOCK): what = "a socket"
        case UInt32(S_IFCHR): what = "a character device"
        case UInt32(S_IFBLK): what = "a block device"
        case UInt32(S_IFDIR): what = "a directory, but the mount source is a file"
        default: what = "a special file"
        }
        throw refusal(target, "the image has \(what) there")
    }

    private static func directory(_ root: FileDescriptor, _ path: String, target: String) throws(RuntimeError)
        -> FileDescriptor
    {
        do {
            return try FileSystemCalls.openInRoot(root, path, flags: Kernel.oPath | O_DIRECTORY)
        } catch {
            throw refusal(target, "\(path) in the image is not a directory (\(error))")
        }
    }

    private static func linkTarget(_ parent: FileDescriptor, _ name: String, at path: String, target: String)
        throws(RuntimeError) -> String
    {
        do {
            return try parent.readLinkAt(name)
        } catch {
            throw refusal(
                target, "\(path) in the image exists but is neither a directory nor a readable link (\(error))")
        }
    }

    /// A link's text as path components inside the rootfs: absolute from the rootfs' top,
    /// relative from the directory holding it (`..` is resolved by RESOLVE_IN_ROOT later and
    /// cannot climb above the rootfs).
    private static func resolved(_ link: String, in directory: String) -> [String] {
        let base = link.hasPrefix("/") ? [] : directory.split(separator: "/").map(String.init)
        return base + link.split(separator: "/").map(String.init)
    }

    private static func refusal(_ target: String, _ reason: String) -> RuntimeError {
        .setupFailed("mount target \(target) refused: \(reason)")
    }
}
