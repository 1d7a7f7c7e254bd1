#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Which host directories are mounted somewhere right now, read from the kernel rather than
/// from berth's records: a container bind-mounts its volumes inside its own mount namespace,
/// so only `/proc/PID/mountinfo` of the processes in that namespace shows them. A damaged or
/// missing state file therefore cannot make a volume in use look free.
public enum LiveMounts {
    /// One line of mountinfo: the filesystem (device), the directory inside it that is
    /// mounted (`root`), and where it is mounted.
    struct Entry: Equatable {
        var device: String
        var root: String
        var mountPoint: String
    }

    /// For each of `directories` that is, or contains, the source of a mount in any mount
    /// namespace, the pid of one process in each such namespace. A directory that does not
    /// exist is in nobody's use.
    public static func users(of directories: [String]) -> [String: [Int32]] {
        let host = entries(pid: "self")
        var wanted: [(directory: String, device: String, path: String)] = []
        for directory in directories {
            if let (device, path) = filesystemPath(of: directory, hostMounts: host) {
                wanted.append((directory, device, path))
            }
        }
        guard !wanted.isEmpty else { return [:] }
        var users: [String: [Int32]] = [:]
        var seenNamespaces = Set<String>()
        for pid in processes() {
            // One pid per mount namespace is enough to name it and to read its table.
            guard let namespace = readLink("/proc/\(pid)/ns/mnt"), seenNamespaces.insert(namespace).inserted else {
                continue
            }
            for entry in entries(pid: String(pid)) {
                for w in wanted where entry.device == w.device && isWithin(entry.root, w.path) {
                    if users[w.directory]?.last != pid { users[w.directory, default: []].append(pid) }
                }
            }
        }
        return users
    }

    /// The device and the path inside that filesystem of `directory`, found from the host
    /// mount that holds it (so a root on a bind mount or a tmpfs is matched the way the
    /// kernel names it in mountinfo).
    static func filesystemPath(of directory: String, hostMounts: [Entry]) -> (String, String)? {
        guard let resolved = realpath(directory, nil) else { return nil }
        let path = String(cString: resolved)
        free(resolved)
        guard let mount = hostMounts.last(where: { isWithin(path, $0.mountPoint) }) else { return nil }
        let rest = mount.mountPoint == "/" ? path : String(path.dropFirst(mount.mountPoint.count))
        let inside = mount.root == "/" ? (rest.isEmpty ? "/" : rest) : mount.root + rest
        return (mount.device, inside)
    }

    static func isWithin(_ path: String, _ directory: String) -> Bool {
        directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }

    static func entries(pid: String) -> [Entry] {
        guard let bytes = try? FileSystemCalls.readFile("/proc/\(pid)/mountinfo") else { return [] }
        return parse(String(decoding: bytes, as: UTF8.self))
    }

    /// `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw` (proc(5)).
    static func parse(_ text: String) -> [Entry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 4 else { return nil }
            return Entry(device: String(fields[2]), root: unescape(fields[3]), mountPoint: unescape(fields[4]))
        }
    }

    /// mountinfo writes space, tab, newline and backslash as `\NNN` octal.
    static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 3 < utf8.count,
                let value = UInt8(String(decoding: utf8[(i + 1)...(i + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func processes() -> [Int32] {
        guard let proc = try? FileDescriptor.open("/proc", O_RDONLY | O_DIRECTORY) else { return [] }
        defer { proc.close() }
        return ((try? proc.directoryEntryNames()) ?? []).compactMap { Int32($0) }
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
