import Foundation
import Testing

@testable import BerthState

/// The project record's on-disk form: versioned, compact, and still readable when written
/// by a berth before the version field.
@Suite struct StateSchemaTests {
    func temporaryRoot() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    let state = ProjectState(
        name: "app", projectDirectory: "/srv/app", files: ["/srv/app/compose.yaml"],
        containers: [
            ContainerRecord(
                name: "app-web-1", service: "web", replica: 1, runtimeID: "app-web-1", phase: .created,
                definition: [DefinitionField(path: "image", value: "busybox:latest")],
                contentDigests: ["image": "sha256:00"], createdAt: "2026-11-25T00:00:00Z")
        ])

    @Test func theRecordCarriesItsSchemaVersion() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try StateStore(root: root).save(state)
        let text = try String(contentsOfFile: "\(root)/projects/app/state.json", encoding: .utf8)
        #expect(text.contains("\"version\":1"))
    }

    @Test func aRecordWithoutAVersionIsReadAsVersionOne() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/projects/app", withIntermediateDirectories: true)
        // As the Foundation encoder of earlier berths wrote it: pretty, no version, escaped slashes.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(state).write(to: URL(fileURLWithPath: "\(root)/projects/app/state.json"))
        #expect(try StateStore(root: root).load(project: "app") == state)
    }

    @Test func aRecordOfAnotherVersionIsRefusedNamingTheFileAndVersion() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StateStore(root: root)
        try store.save(state)
        let path = "\(root)/projects/app/state.json"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "\"version\":1", with: "\"version\":7")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try store.load(project: "app")
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("schema version 7")
        }
    }
}
