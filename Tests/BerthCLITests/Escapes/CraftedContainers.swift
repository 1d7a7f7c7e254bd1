import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A crafted rootfs (with a static probe at /bin/probe when given) run with
/// `berth container run --rootfs` under a fresh berth root. Call `cleanUp` in a `defer`.
final class CraftedContainer {
    let fixture: RuntimeFixture
    let rootfs: CraftedRootfs
    let id: String

    init(_ name: String, probe source: String? = nil, flags: [String] = []) throws {
        fixture = try RuntimeFixture()
        rootfs = try CraftedRootfs(in: fixture.directory)
        id = "berth-\(name)-\(getpid())"
        if let source {
            let probe = try StaticProbe.build(name, source: source, in: fixture.directory, flags: flags)
            try rootfs.install(probe, at: "bin/probe")
        }
    }

    /// `container run --rm` of `command` (attached: its output is the result's).
    func run(_ command: [String], options: [String] = []) throws -> BerthBinary.Result {
        try fixture.berth(["container", "run", "--rm", "--rootfs", rootfs.path, "--name", id] + options + command)
    }

    func cleanUp() {
        _ = try? fixture.berth(["container", "rm", "-f", id])
        fixture.cleanUp()
    }
}

/// A crafted rootfs imported as an image and brought up as a one-service stack
/// (`app`, running `sleep 600`). Call `cleanUp` in a `defer`.
final class CraftedStack {
    let fixture: StackFixture
    let rootfs: CraftedRootfs
    let project: String
    private(set) var files: [String] = []

    init(project: String) throws {
        fixture = try StackFixture()
        rootfs = try CraftedRootfs(in: fixture.directory)
        self.project = project
    }

    /// Imports the rootfs as `<project>:1` and runs `up -d`; `service` is extra YAML for the
    /// `app` service (4-space indented keys).
    func up(service: String = "", timeout: Duration = .seconds(60)) throws -> BerthBinary.Result {
        let image = "\(project):1"
        try rootfs.importImage(image, root: fixture.root)
        let compose = try fixture.directory.write(
            "compose.yaml",
            "name: \(project)\nservices:\n  app:\n    image: \(image)\n    command: [\"sleep\", \"600\"]\n\(service)")
        files = ["-f", compose.path]
        return try fixture.berth(["up"], files + ["-d"], timeout: timeout)
    }

    func exec(_ command: [String]) throws -> BerthBinary.Result {
        try fixture.berth(["exec"], files + ["app"] + command)
    }

    func cleanUp() { fixture.cleanUp([project: files]) }
}
