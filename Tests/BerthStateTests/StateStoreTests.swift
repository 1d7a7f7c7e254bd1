import Foundation
import Testing

@testable import BerthState

@Suite struct StateStoreTests {
    func temporaryRoot() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func sample(_ project: String) -> ProjectState {
        ProjectState(
            name: project, projectDirectory: "/srv/app", files: ["/srv/app/compose.yaml"],
            containers: [
                ContainerRecord(
                    name: "\(project)-web-1", service: "web", replica: 1, runtimeID: "abc", phase: .created,
                    definition: [DefinitionField(path: "image", value: "busybox:latest")],
                    contentDigests: ["image": "sha256:00"], createdAt: "2026-11-25T00:00:00Z")
            ],
            networks: [
                NetworkRecord(
                    key: "default", name: "\(project)_default", bridge: "bt0123", subnet: "10.213.1.0/24",
                    gateway: "10.213.1.1", external: false, phase: .creating, definition: [])
            ])
    }

    @Test func savedStateReadsBackIdentically() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StateStore(root: root)
        try store.save(sample("app"))
        #expect(try store.load(project: "app") == sample("app"))
        #expect(store.projects() == ["app"])
    }

    @Test func unknownProjectHasNoState() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try StateStore(root: root).load(project: "nothing") == nil)
    }

    @Test func savingAnEmptyStateForgetsTheProject() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StateStore(root: root)
        try store.save(sample("app"))
        try store.save(ProjectState(name: "app"))
        #expect(try store.load(project: "app") == nil)
        #expect(store.projects().isEmpty)
    }

    @Test func aCorruptStateFileIsReportedWithItsPath() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StateStore(root: root)
        try store.save(sample("app"))
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: "\(root)/projects/app/state.json"))
        #expect {
            _ = try store.load(project: "app")
        } throws: { error in
            "\(error)".contains("\(root)/projects/app/state.json")
        }
    }

    @Test func aSecondWriterWaitsThenGivesUpWithAClearError() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StateStore(root: root)
        let held = try store.lock(project: "app")
        var told = false
        #expect {
            _ = try store.lock(project: "app", timeout: .milliseconds(300)) { told = true }
        } throws: { error in
            "\(error)".contains("another berth command is still changing project 'app'")
        }
        #expect(told)
        withExtendedLifetime(held) {}
    }

    @Test func theLockIsFreeAgainOnceReleased() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StateStore(root: root)
        do { _ = try store.lock(project: "app") }
        let again = try store.lock(project: "app", timeout: .milliseconds(100))
        withExtendedLifetime(again) {}
    }
}
