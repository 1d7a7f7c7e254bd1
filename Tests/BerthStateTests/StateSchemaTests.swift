import Foundation
import Testing

@testable import BerthState

/// The project record's on-disk form: versioned, compact, and still readable when written
/// by a berth before the version field.
extension StateStoreTests {
    @Test func theRecordCarriesItsSchemaVersion() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try StateStore(root: root).save(sample("app"))
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
        try encoder.encode(sample("app")).write(to: URL(fileURLWithPath: "\(root)/projects/app/state.json"))
        #expect(try StateStore(root: root).load(project: "app") == sample("app"))
    }

    @Test func aRecordOfAnotherVersionIsRefusedNamingTheFileAndVersion() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StateStore(root: root)
        try store.save(sample("app"))
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
