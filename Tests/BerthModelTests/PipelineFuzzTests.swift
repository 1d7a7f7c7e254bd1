import BerthDiagnostics
import BerthModel
import BerthStackFile
import Foundation
import Testing

/// Mutates the sample stacks with a seeded generator and feeds each mutant through the
/// loader and the model: whatever the input, berth must not crash, and every error it
/// reports must say where (file and line).
@Suite struct PipelineFuzzTests {
    /// SplitMix64: deterministic, so a failure reproduces from its iteration number.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments = [
        ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!reset ", "\"", "'", "\t", "${", "$X", "${A:?boom}", "\n  ",
        "<<: ", "~", "null", "99999999999999999999", "-1", "0x", "1.5", "true", "ports", "image", "\u{0}", "é",
        "services", "networks:", "depends_on: [x]", "8080:80/udp", "1h2x",
    ]

    func mutate(_ text: String, using rng: inout Generator) -> String {
        var chars = Array(text.unicodeScalars)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        switch rng.next() % 6 {
        case 0 where !chars.isEmpty:
            chars.remove(at: Int(rng.next() % UInt64(chars.count)))
            return String(String.UnicodeScalarView(chars))
        case 1:
            let at = chars.isEmpty ? 0 : Int(rng.next() % UInt64(chars.count))
            let fragment = Self.fragments[Int(rng.next() % UInt64(Self.fragments.count))]
            chars.insert(contentsOf: fragment.unicodeScalars, at: at)
            return String(String.UnicodeScalarView(chars))
        case 2 where lines.count > 1:
            let i = Int(rng.next() % UInt64(lines.count)), j = Int(rng.next() % UInt64(lines.count))
            lines.swapAt(i, j)
            return lines.joined(separator: "\n")
        case 3 where !lines.isEmpty:
            let i = Int(rng.next() % UInt64(lines.count))
            lines.insert(lines[i], at: i)
            return lines.joined(separator: "\n")
        case 4 where !lines.isEmpty:
            let i = Int(rng.next() % UInt64(lines.count))
            lines[i] = rng.next() % 2 == 0 ? "  " + lines[i] : String(lines[i].drop { $0 == " " })
            return lines.joined(separator: "\n")
        default:
            let i = lines.isEmpty ? 0 : Int(rng.next() % UInt64(lines.count))
            if !lines.isEmpty, let colon = lines[i].firstIndex(of: ":") {
                lines[i] =
                    String(lines[i][...colon]) + " " + Self.fragments[Int(rng.next() % UInt64(Self.fragments.count))]
            }
            return lines.joined(separator: "\n")
        }
    }

    @Test(arguments: ["web", "app", "migrate"])
    func mutatedSamplesNeverCrashAndEveryErrorIsLocated(sample: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sampleDir = root.appendingPathComponent("samples/\(sample)")
        let original = try String(contentsOf: sampleDir.appendingPathComponent("compose.yaml"), encoding: .utf8)
        var rng = Generator(state: 0xBE47_0000 &+ UInt64(sample.utf8.count))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("berth-test-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("compose.yaml")
        var failures = 0
        for iteration in 0..<250 {
            var text = original
            for _ in 0..<(1 + Int(rng.next() % 3)) { text = mutate(text, using: &rng) }
            try Data(text.utf8).write(to: file)
            let options = LoadOptions(
                files: [file.path], projectDirectory: sampleDir.path, environment: [:], workingDirectory: dir.path)
            var diagnostics: [Diagnostic]
            do {
                let stack = try StackLoader.load(options)
                diagnostics = stack.warnings + TopologyBuilder.build(stack).diagnostics
            } catch {
                diagnostics = error.diagnostics
                #expect(!diagnostics.isEmpty, "iteration \(iteration): loader failed without a diagnostic")
            }
            for d in diagnostics where d.severity == .error {
                if d.location == nil || (d.location?.line ?? 0) < 1 {
                    failures += 1
                    Issue.record("iteration \(iteration): unlocated error: \(d)\n--- input ---\n\(text)")
                }
            }
            if failures > 5 { break }
        }
    }
}
