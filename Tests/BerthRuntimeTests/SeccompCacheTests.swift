import BerthSystem
import Foundation
import Testing

@testable import BerthRuntime

/// The compiled-program cache: entries are found by a SHA-256 key and checked on load.
@Suite struct SeccompCacheTests {
    /// A cache directory and a count of the compilations that missed it.
    private final class Cache {
        let directory = NSTemporaryDirectory() + "berth-test-seccomp-\(UUID().uuidString.prefix(8))"
        var compilations = 0

        func program(_ identity: String) throws -> [UInt8] {
            try SeccompCompiler.compiled(
                identity: identity, capabilities: .containerDefault, cacheDirectory: directory
            ) { () throws(RuntimeError) in
                compilations += 1
                return .containerDefault
            }
        }

        func entries() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".bpf") }
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test func sameInputsCompileOnceAndLoadTheSameProgram() throws {
        let cache = Cache()
        defer { cache.remove() }
        let first = try cache.program("test")
        let second = try cache.program("test")
        #expect(cache.compilations == 1)
        #expect(second == first)
        #expect(!first.isEmpty && first.count % 8 == 0)
        _ = try cache.program("other")
        #expect(cache.compilations == 2)
        #expect(try cache.entries().count == 2)
    }

    @Test func corruptOrForeignCacheEntriesAreRecompiledNotInstalled() throws {
        let cache = Cache()
        defer { cache.remove() }
        let program = try cache.program("test")
        let name = try #require(try cache.entries().first)
        let path = "\(cache.directory)/\(name)"
        let original = try FileSystemCalls.readFile(path)

        // A flipped byte in the program.
        var flipped = original
        flipped[flipped.count - 3] ^= 0x40
        try AtomicFile.write(path, flipped)
        #expect(try cache.program("test") == program)
        #expect(cache.compilations == 2)

        // Another key's entry under this key's name.
        var foreign = original
        foreign[0] ^= 0x01
        try AtomicFile.write(path, foreign)
        #expect(try cache.program("test") == program)
        #expect(cache.compilations == 3)
        #expect(try FileSystemCalls.readFile(path) == original)
    }
}
