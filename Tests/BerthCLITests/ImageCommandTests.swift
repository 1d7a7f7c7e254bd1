import Foundation
import Testing

/// `berth image ...` as a user runs it, against a temporary root.
@Suite struct ImageCommandTests {
    @Test func sampleImageScriptImportsBusyboxThatImagesAndInspectShow() throws {
        let root = try TemporaryDirectory()
        let environment = ["BERTH_ROOT": root.url.path]
        let script = Process()
        script.executableURL = BerthBinary.packageRoot.appendingPathComponent("scripts/build-sample-image")
        script.arguments = [BerthBinary.path]
        script.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        script.standardOutput = FileHandle.nullDevice
        try script.run()
        script.waitUntilExit()
        #expect(script.terminationStatus == 0)

        let listed = try BerthBinary.run(["images", "--format", "json"], environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        struct Row: Decodable {
            var Repository: String
            var Tag: String
            var ID: String
        }
        let rows = try JSONDecoder().decode([Row].self, from: Data(listed.stdout.utf8))
        #expect(Set(rows.map { "\($0.Repository):\($0.Tag)" }) == ["busybox:latest", "berth.local/busybox:latest"])
        #expect(Set(rows.map(\.ID)).count == 1)

        let table = try BerthBinary.run(["images"], environment: environment)
        #expect(table.stdout.hasPrefix("REPOSITORY"))
        #expect(table.stdout.contains("IMAGE ID"))

        let inspect = try BerthBinary.run(["image", "inspect", "busybox"], environment: environment)
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains(#""Cmd" : ["#))
        #expect(inspect.stdout.contains("/images/layers/"))

        let removed = try BerthBinary.run(["image", "rm", "berth.local/busybox"], environment: environment)
        #expect(removed.stdout.contains("Untagged: berth.local/busybox:latest"))
        let quiet = try BerthBinary.run(["images", "-q"], environment: environment)
        #expect(quiet.stdout.split(separator: "\n").count == 1)
    }

    @Test func unknownImageFailsWithAHint() throws {
        let root = try TemporaryDirectory()
        let result = try BerthBinary.run(
            ["image", "inspect", "nothing:here"], environment: ["BERTH_ROOT": root.url.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no image \"nothing:here\" in the store"))
    }
}
