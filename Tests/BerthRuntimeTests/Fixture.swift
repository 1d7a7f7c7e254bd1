import BerthRuntime
import Foundation

/// A busybox rootfs and a runtime root in a `berth-test-*` temp dir; `cleanup` removes
/// containers (stopping them), their cgroups and the directory.
final class Fixture {
    let base: String
    let rootfs: String
    let runtime: Runtime
    var ids: [String] = []

    init() throws {
        base = NSTemporaryDirectory() + "berth-test-\(UUID().uuidString.prefix(8))"
        rootfs = base + "/rootfs"
        let fm = FileManager.default
        for dir in ["bin", "etc", "proc", "sys", "dev", "tmp", "root", "mnt", "home/app"] {
            try fm.createDirectory(atPath: "\(rootfs)/\(dir)", withIntermediateDirectories: true)
        }
        try fm.copyItem(atPath: "/bin/busybox", toPath: "\(rootfs)/bin/busybox")
        let list = Process()
        list.executableURL = URL(fileURLWithPath: "/bin/busybox")
        list.arguments = ["--list"]
        let pipe = Pipe()
        list.standardOutput = pipe
        try list.run()
        let names = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        list.waitUntilExit()
        for name in names.split(separator: "\n") where name != "busybox" {
            try? fm.createSymbolicLink(atPath: "\(rootfs)/bin/\(name)", withDestinationPath: "busybox")
        }
        try
            "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
            .write(toFile: "\(rootfs)/etc/passwd", atomically: true, encoding: .utf8)
        try "root:x:0:\napp:x:1000:\nextra:x:2000:app\nnogroup:x:65534:\n"
            .write(toFile: "\(rootfs)/etc/group", atomically: true, encoding: .utf8)
        chmod("\(rootfs)/tmp", 0o1777)
        runtime = Runtime(root: base + "/state")
    }

    func spec(_ script: String) -> ContainerSpec {
        ContainerSpec(lowerDirectories: [rootfs], process: ProcessSpec(arguments: ["/bin/sh", "-c", script]))
    }

    func newID() -> String {
        let id = "berth-t\(ids.count)-\(UUID().uuidString.prefix(6).lowercased())"
        ids.append(id)
        return id
    }

    /// Runs to completion; returns the final state and stdout+stderr text.
    func run(_ spec: ContainerSpec) throws -> (ContainerState, String) {
        let id = newID()
        try runtime.run(id: id, spec: spec)
        let state = try runtime.wait(id: id)
        let output = try runtime.logs(id: id).filter { $0.stream == .stdout }.map(\.log).joined()
        return (state, output)
    }

    func run(_ script: String, _ configure: (inout ContainerSpec) -> Void = { _ in }) throws -> (ContainerState, String)
    {
        var spec = spec(script)
        configure(&spec)
        return try run(spec)
    }

    /// Polls `condition` until it holds or the deadline passes.
    func eventually(_ seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var delay = 0.005
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: delay)
            delay = min(delay * 2, 0.1)
        }
        return try condition()
    }

    deinit {
        for id in ids { try? runtime.remove(id: id, force: true) }
        try? FileManager.default.removeItem(atPath: base)
    }
}
