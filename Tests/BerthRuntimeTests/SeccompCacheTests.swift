import BerthSystem
import Foundation
import Testing

@testable import BerthRuntime

/// The compiled-program cache: entries are found by a SHA-256 key and checked on load.
@Suite struct SeccompCacheTests {
    private func withCache(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "berth-test-seccomp-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    private func entries(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".bpf") }
    }

    @Test func sameInputsCompileOnceAndLoadTheSameProgram() throws {
        try withCache { directory in
            var compilations = 0
            let compile: () throws(RuntimeError) -> SeccompProfile = {
                compilations += 1
                return .containerDefault
            }
            let first = try SeccompCompiler.compiled(
                identity: "test", capabilities: .containerDefault, cacheDirectory: directory, profile: compile)
            let second = try SeccompCompiler.compiled(
                identity: "test", capabilities: .containerDefault, cacheDirectory: directory, profile: compile)
            #expect(compilations == 1)
            #expect(second == first)
            #expect(!first.isEmpty && first.count % 8 == 0)
            _ = try SeccompCompiler.compiled(
                identity: "other", capabilities: .containerDefault, cacheDirectory: directory, profile: compile)
            #expect(compilations == 2)
            #expect(try entries(directory).count == 2)
        }
    }

    @Test func corruptOrForeignCacheEntriesAreRecompiledNotInstalled() throws {
        try withCache { directory in
            var compilations = 0
            let compile: () throws(RuntimeError) -> SeccompProfile = {
                compilations += 1
                return .containerDefault
            }
            let program = try SeccompCompiler.compiled(
                identity: "test", capabilities: .containerDefault, cacheDirectory: directory, profile: compile)
            let name = try #require(try entries(directory).first)
            let path = "\(directory)/\(name)"
            let original = try FileSystemCalls.readFile(path)

            // A flipped byte in the program.
            var flipped = original
            flipped[flipped.count - 3] ^= 0x40
            try AtomicFile.write(path, flipped)
            #expect(
                try SeccompCompiler.compiled(
                    identity: "test", capabilities: .containerDefault, cacheDirectory: directory, profile: compile)
                    == program)
            #expect(compilations == 2)

            // Another key's entry under this key's name.
            var foreign = original
            foreign[0] ^= 0x01
            try AtomicFile.write(path, foreign)
            #expect(
                try SeccompCompiler.compiled(
                    identity: "test", capabilities: .containerDefault, cacheDirectory: directory, profile: compile)
                    == program)
            #expect(compilations == 3)
            #expect(try FileSystemCalls.readFile(path) == original)
        }
    }
}
