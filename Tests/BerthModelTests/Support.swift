import BerthDiagnostics
import BerthStackFile
import Foundation
import Testing

@testable import BerthModel

/// Builds a topology from YAML text the way the loader would hand it over.
func build(
    _ yaml: String, profiles: [String] = [], environment: [String: String] = [:], directory: String = "/proj",
    project: String = "demo"
) throws -> (topology: Topology?, diagnostics: [Diagnostic]) {
    let root = try #require(try YAMLReader.parse(yaml, file: "compose.yaml"))
    let stack = LoadedStack(
        projectName: project, projectDirectory: directory, files: ["\(directory)/compose.yaml"], root: root,
        environment: environment, activeProfiles: profiles, sources: ["compose.yaml": yaml], warnings: [])
    return TopologyBuilder.build(stack)
}

/// The topology of a stack that must be valid.
func topology(
    _ yaml: String, profiles: [String] = [], environment: [String: String] = [:], directory: String = "/proj",
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> Topology {
    let result = try build(yaml, profiles: profiles, environment: environment, directory: directory)
    #expect(
        result.diagnostics.filter { $0.severity == .error }.isEmpty,
        "\(result.diagnostics.map(\.description).joined(separator: "\n"))", sourceLocation: sourceLocation)
    return try #require(result.topology, sourceLocation: sourceLocation)
}

/// Error lines (`file:line:col: error: path: summary`) of a stack that must be invalid.
func errors(_ yaml: String, profiles: [String] = [], environment: [String: String] = [:]) throws -> [String] {
    let result = try build(yaml, profiles: profiles, environment: environment)
    #expect(result.topology == nil)
    return result.diagnostics.filter { $0.severity == .error }.map(\.description)
}

/// The only error diagnostic of a stack.
func singleError(
    _ yaml: String, profiles: [String] = [], sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> Diagnostic {
    let result = try build(yaml, profiles: profiles)
    let errs = result.diagnostics.filter { $0.severity == .error }
    #expect(errs.count == 1, "\(errs.map(\.description))", sourceLocation: sourceLocation)
    return try #require(errs.first, sourceLocation: sourceLocation)
}

/// A one-service stack with `body` indented under the service.
func service(_ body: String) -> String {
    "services:\n  web:\n    image: nginx\n"
        + body.split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n") + "\n"
}

/// Asserts that reading the canonical YAML back gives the same topology.
func expectRoundTrip(
    _ t: Topology, profiles: [String] = [], environment: [String: String] = [:],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    let yaml = t.canonicalYAML()
    let again = try topology(
        yaml, profiles: profiles, environment: environment, directory: t.projectDirectory,
        sourceLocation: sourceLocation)
    var expected = t
    expected.disabledServices = []
    var actual = again
    actual.disabledServices = []
    #expect(actual == expected, "\(yaml)", sourceLocation: sourceLocation)
    #expect(again.canonicalYAML() == yaml, sourceLocation: sourceLocation)
}

/// A fresh directory for tests that need real files; removed by the caller's defer.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "berth-model-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
