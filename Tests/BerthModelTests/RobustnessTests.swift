import BerthDiagnostics
import BerthStackFile
import Testing

@testable import BerthModel

struct RobustnessTests {
    /// Every value of a realistic stack replaced, one at a time, by values of other types:
    /// the builder must answer with located errors, never crash or accept silently.
    @Test(arguments: ["[]", "{}", "~", "'x'", "-1", "[[1]]", "{a: {b: c}}", "\"\""])
    func everyValueReplacedByAnotherTypeGivesLocatedDiagnostics(replacement: String) throws {
        let lines = Samples.everything.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var checked = 0
        for (i, line) in lines.enumerated() {
            guard let colon = line.range(of: ": ") else { continue }
            var mutated = lines
            mutated[i] = String(line[..<colon.upperBound]) + replacement
            let text = mutated.joined(separator: "\n")
            guard let root = try? YAMLReader.parse(text, file: "compose.yaml") else { continue }
            let stack = LoadedStack(
                projectName: "demo", projectDirectory: "/proj", files: [], root: root,
                environment: Samples.environment, activeProfiles: ["dbg"], sources: [:], warnings: [])
            let result = TopologyBuilder.build(stack)
            checked += 1
            for d in result.diagnostics where d.severity == .error {
                #expect(d.location != nil, "line \(i + 1) → \(replacement): \(d)")
                #expect(d.hint != nil, "line \(i + 1) → \(replacement): \(d) has no hint")
            }
            if result.topology != nil {
                // Accepted values must still produce output that reads back the same.
                let yaml = try #require(result.topology).canonicalYAML()
                let again = try #require(try YAMLReader.parse(yaml, file: "canonical.yaml"))
                let reread = TopologyBuilder.build(
                    LoadedStack(
                        projectName: "demo", projectDirectory: "/proj", files: [], root: again,
                        environment: Samples.environment, activeProfiles: ["dbg"], sources: [:], warnings: []))
                #expect(reread.topology?.services == result.topology?.services, "line \(i + 1) → \(replacement)")
            }
        }
        #expect(checked > 30)
    }

    @Test func unknownTopLevelKeySuggestsTheClosest() throws {
        let errs = try build("servics:\n  web:\n    image: x\n").diagnostics.filter { $0.severity == .error }
        #expect(errs.first?.description == "compose.yaml:1:1: error: servics: unknown key 'servics' in the stack file")
        #expect(errs.first?.hint == "did you mean 'services'?")
    }

    @Test func unresolvedIncludeIsRefused() throws {
        let errs = try errors("include: [other.yaml]\nservices:\n  web:\n    image: x\n")
        #expect(errs == ["compose.yaml:1:1: error: include: 'include' is a compose key berth does not support yet"])
    }

    @Test func loaderWarningsArePassedThrough() throws {
        let root = try #require(try YAMLReader.parse("services:\n  web:\n    image: x\n", file: "compose.yaml"))
        let warning = Diagnostic.warning("unset-variable", "variable TAG is not set", at: nil)
        let result = TopologyBuilder.build(
            LoadedStack(
                projectName: "demo", projectDirectory: "/proj", files: [], root: root, environment: [:],
                activeProfiles: [], sources: [:], warnings: [warning]))
        #expect(result.topology != nil)
        #expect(result.diagnostics == [warning])
    }
}
