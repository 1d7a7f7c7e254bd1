import BerthDiagnostics
import BerthEncoding
import Foundation

/// Reads the files a service's containers depend on and records their SHA-256, so a
/// changed env file, config or secret changes the service hash even though the stack
/// file did not change. Each file is read once per build.
struct ContentDigests {
    private var cache: [String: String?] = [:]

    /// The digest of a file's bytes, nil if it cannot be read.
    mutating func file(_ path: String) -> String? {
        if let known = cache[path] { return known }
        var digest: String?
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            do {
                // readToEnd returns nil for an empty file.
                digest = SHA256.hex(Array(try handle.readToEnd() ?? Data()))
            } catch {
                digest = nil
            }
        }
        cache[path] = digest
        return digest
    }

    mutating func digest(
        of resource: FileResource, environment: [String: String]
    ) -> String? {
        switch resource.source {
        case .file(let p): return file(p)
        case .environment(let v): return environment[v].map(SHA256.hex)
        case .content(let c): return SHA256.hex(c)
        }
    }
}
