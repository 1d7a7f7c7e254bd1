#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The parts of `struct stat` berth acts on, so callers never touch the C layout.
public struct FileStatus: Sendable, Hashable {
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var size: Int64
    public var device: UInt64
    public var inode: UInt64
    public var linkCount: UInt64
    public var specialDevice: UInt64
    public var modificationSeconds: Int
    public var modificationNanoseconds: Int

    init(_ raw: stat) {
        mode = raw.st_mode
        uid = raw.st_uid
        gid = raw.st_gid
        size = Int64(raw.st_size)
        device = UInt64(raw.st_dev)
        inode = UInt64(raw.st_ino)
        linkCount = UInt64(raw.st_nlink)
        specialDevice = UInt64(raw.st_rdev)
        modificationSeconds = raw.st_mtim.tv_sec
        modificationNanoseconds = raw.st_mtim.tv_nsec
    }

    /// The `S_IFMT` bits: what kind of file this is.
    public var fileType: UInt32 { mode & UInt32(S_IFMT) }
    public var isDirectory: Bool { fileType == UInt32(S_IFDIR) }
    public var isRegularFile: Bool { fileType == UInt32(S_IFREG) }
    public var isSymbolicLink: Bool { fileType == UInt32(S_IFLNK) }
    /// Permission bits including setuid/setgid/sticky.
    public var permissions: UInt32 { mode & 0o7777 }
}

/// Major/minor packing as glibc's `makedev` does it (a macro Swift cannot import).
public func makeDeviceNumber(major: UInt32, minor: UInt32) -> UInt64 {
    let major = UInt64(major)
    let minor = UInt64(minor)
    return ((major & 0xfff) << 8) | ((major & ~0xfff) << 32) | (minor & 0xff) | ((minor & ~0xff) << 12)
}

public func deviceMajor(_ device: UInt64) -> UInt32 {
    UInt32(truncatingIfNeeded: ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff))
}

public func deviceMinor(_ device: UInt64) -> UInt32 {
    UInt32(truncatingIfNeeded: (device & 0xff) | ((device >> 12) & ~0xff))
}

/// Directory-relative file system calls. Everything that unpacks untrusted archives works
/// relative to an open directory so a path can never be re-resolved through a swapped symlink.
extension FileDescriptor {
    public func makeDirectoryAt(_ name: String, mode: mode_t) throws(SystemCallError) {
        try retryingOnInterrupt("mkdirat", "\(rawValue), \"\(name)\", 0o\(String(mode, radix: 8))") {
            mkdirat(rawValue, name, mode)
        }
    }

    public func makeSymbolicLinkAt(_ name: String, target: String) throws(SystemCallError) {
        try retryingOnInterrupt("symlinkat", "\"\(target)\", \(rawValue), \"\(name)\"") {
            symlinkat(target, rawValue, name)
        }
    }

    /// A hard link; never follows a symlink at `existing` (flags 0), so the link is to the
    /// entry itself.
    public func makeHardLinkAt(
        _ name: String, to existing: String, in existingDirectory: FileDescriptor
    ) throws(SystemCallError) {
        try retryingOnInterrupt(
            "linkat", "\(existingDirectory.rawValue), \"\(existing)\", \(rawValue), \"\(name)\", 0"
        ) {
            linkat(existingDirectory.rawValue, existing, rawValue, name, 0)
        }
    }

    public func makeNodeAt(_ name: String, mode: mode_t, device: UInt64) throws(SystemCallError) {
        try retryingOnInterrupt("mknodat", "\(rawValue), \"\(name)\", 0o\(String(mode, radix: 8)), \(device)") {
            mknodat(rawValue, name, mode, dev_t(device))
        }
    }

    /// Changes owner without following a final symlink (lchown semantics).
    public func changeOwnerAt(_ name: String, uid: UInt32, gid: UInt32) throws(SystemCallError) {
        try retryingOnInterrupt("fchownat", "\(rawValue), \"\(name)\", \(uid), \(gid), AT_SYMLINK_NOFOLLOW") {
            fchownat(rawValue, name, uid, gid, AT_SYMLINK_NOFOLLOW)
        }
    }

    public func changeOwner(uid: UInt32, gid: UInt32) throws(SystemCallError) {
        try retryingOnInterrupt("fchown", "\(rawValue), \(uid), \(gid)") { fchown(rawValue, uid, gid) }
    }

    public func changeMode(_ mode: mode_t) throws(SystemCallError) {
        try retryingOnInterrupt("fchmod", "\(rawValue), 0o\(String(mode, radix: 8))") { fchmod(rawValue, mode) }
    }

    public func changeModeAt(_ name: String, mode: mode_t) throws(SystemCallError) {
        try retryingOnInterrupt("fchmodat", "\(rawValue), \"\(name)\", 0o\(String(mode, radix: 8))") {
            fchmodat(rawValue, name, mode, 0)
        }
    }

    /// Sets access and modification time of `name` without following a final symlink.
    public func setTimesAt(_ name: String, seconds: Int, nanoseconds: Int) throws(SystemCallError) {
        var times = [
            timespec(tv_sec: seconds, tv_nsec: nanoseconds), timespec(tv_sec: seconds, tv_nsec: nanoseconds),
        ]
        try retryingOnInterrupt("utimensat", "\(rawValue), \"\(name)\", \(seconds), AT_SYMLINK_NOFOLLOW") {
            utimensat(rawValue, name, &times, AT_SYMLINK_NOFOLLOW)
        }
    }

    public func renameAt(_ name: String, to newName: String, in newDirectory: FileDescriptor) throws(SystemCallError) {
        try retryingOnInterrupt("renameat", "\(rawValue), \"\(name)\", \(newDirectory.rawValue), \"\(newName)\"") {
            renameat(rawValue, name, newDirectory.rawValue, newName)
        }
    }

    public func unlinkAt(_ name: String, directory: Bool = false) throws(SystemCallError) {
        let flags = directory ? AT_REMOVEDIR : 0
        try retryingOnInterrupt("unlinkat", "\(rawValue), \"\(name)\", \(directory ? "AT_REMOVEDIR" : "0")") {
            unlinkat(rawValue, name, flags)
        }
    }

    /// `fstatat` without following a final symlink; nil when the entry does not exist.
    public func statusAt(_ name: String) throws(SystemCallError) -> FileStatus? {
        var raw = stat()
        let result = fstatat(rawValue, name, &raw, AT_SYMLINK_NOFOLLOW)
        if result == 0 { return FileStatus(raw) }
        let err = Errno.current
        if err == .noEntry { return nil }
        throw SystemCallError("fstatat", "\(rawValue), \"\(name)\", AT_SYMLINK_NOFOLLOW", errno: err)
    }

    public func status() throws(SystemCallError) -> FileStatus {
        var raw = stat()
        try retryingOnInterrupt("fstat", "\(rawValue)") { fstat(rawValue, &raw) }
        return FileStatus(raw)
    }

    public func readLinkAt(_ name: String) throws(SystemCallError) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = try retryingOnInterrupt("readlinkat", "\(rawValue), \"\(name)\"") {
            buffer.withUnsafeMutableBufferPointer { pointer in
                pointer.baseAddress.map { base in
                    base.withMemoryRebound(to: CChar.self, capacity: pointer.count) {
                        readlinkat(rawValue, name, $0, pointer.count - 1)
                    }
                } ?? -1
            }
        }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Names in this directory except `.` and `..`, read through a duplicate descriptor so
    /// this one stays open and positioned.
    public func directoryEntryNames() throws(SystemCallError) -> [String] {
        let copy = try retryingOnInterrupt("fcntl", "\(rawValue), F_DUPFD_CLOEXEC") {
            fcntl(rawValue, F_DUPFD_CLOEXEC, 0)
        }
        guard let directory = fdopendir(copy) else {
            let err = Errno.current
            _ = Glibc.close(copy)
            throw SystemCallError("fdopendir", "\(copy)", errno: err)
        }
        defer { closedir(directory) }
        rewinddir(directory)
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func truncate(to length: Int64) throws(SystemCallError) {
        try retryingOnInterrupt("ftruncate", "\(rawValue), \(length)") { ftruncate(rawValue, off_t(length)) }
    }

    /// Moves the file offset; returns the new offset.
    @discardableResult
    public func seek(to offset: Int64, whence: Int32 = SEEK_SET) throws(SystemCallError) -> Int64 {
        Int64(
            try retryingOnInterrupt("lseek", "\(rawValue), \(offset), \(whence)") {
                lseek(rawValue, off_t(offset), whence)
            })
    }
}
