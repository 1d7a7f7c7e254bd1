import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Extended attributes, which carry overlayfs opaque markers and file capabilities inside
/// image layers. The `At` variants go through `/proc/self/fd/N/name` with the l*xattr calls
/// so they work on symlinks without re-resolving the parent path.
extension FileDescriptor {
    public func setExtendedAttribute(_ attribute: String, value: [UInt8]) throws(SystemCallError) {
        try retryingOnInterrupt("fsetxattr", "\(rawValue), \"\(attribute)\", \(value.count) bytes") {
            value.withUnsafeBytes { fsetxattr(rawValue, attribute, $0.baseAddress, $0.count, 0) }
        }
    }

    public func setExtendedAttributeAt(_ name: String, attribute: String, value: [UInt8]) throws(SystemCallError) {
        let path = "/proc/self/fd/\(rawValue)/\(name)"
        try retryingOnInterrupt("lsetxattr", "\"\(path)\", \"\(attribute)\", \(value.count) bytes") {
            value.withUnsafeBytes { lsetxattr(path, attribute, $0.baseAddress, $0.count, 0) }
        }
    }

    /// All attributes of `name` (without following a final symlink), as name → value.
    public func extendedAttributesAt(_ name: String) throws(SystemCallError) -> [(String, [UInt8])] {
        let path = "/proc/self/fd/\(rawValue)/\(name)"
        let size = llistxattr(path, nil, 0)
        if size < 0 {
            let err = Errno.current
            if err.rawValue == EOPNOTSUPP || err.rawValue == ENODATA { return [] }
            throw SystemCallError("llistxattr", "\"\(path)\"", errno: err)
        }
        if size == 0 { return [] }
        var names = [CChar](repeating: 0, count: size)
        let got = try retryingOnInterrupt("llistxattr", "\"\(path)\"") { llistxattr(path, &names, names.count) }
        var result: [(String, [UInt8])] = []
        let bytes = names[0..<got].map { UInt8(bitPattern: $0) }
        for nameBytes in bytes.split(separator: 0) {
            let attribute = String(decoding: nameBytes, as: UTF8.self)
            let valueSize = try retryingOnInterrupt("lgetxattr", "\"\(path)\", \"\(attribute)\"") {
                lgetxattr(path, attribute, nil, 0)
            }
            var value = [UInt8](repeating: 0, count: valueSize)
            let valueCount = try retryingOnInterrupt("lgetxattr", "\"\(path)\", \"\(attribute)\"") {
                value.withUnsafeMutableBytes { lgetxattr(path, attribute, $0.baseAddress, $0.count) }
            }
            result.append((attribute, Array(value[0..<valueCount])))
        }
        return result
    }
}
