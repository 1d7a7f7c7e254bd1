import BerthDiagnostics
import Foundation

/// Reads the files a service's containers depend on and records their SHA-256, so a
/// changed env file, config or secret changes the service hash even though the stack
/// file did not change. Each file is read once per build.
struct ContentDigests {
    private var cache: [String: String?] = [:]

    /// The digest of a file's bytes, nil if it cannot be read.
    mutating func file(_ path: String) -> String? {
        if let known = cache[path] { return known }
        let digest = FileManager.default.contents(atPath: path).map { SHA256.hex(Array($0)) }
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
