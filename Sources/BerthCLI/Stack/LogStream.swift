import BerthDriver
import BerthRuntime
import BerthState
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The project's container logs, prefixed `service-N |` like compose, optionally followed
/// until Ctrl-C or until every container has exited.
struct LogStream {
    let context: StackContext
    let services: [String]
    let follow: Bool
    let tail: Int?
    let timestamps: Bool
    let prefix: Bool
    /// Services whose output is not printed (compose's `attach: false`); they are still
    /// watched for exits and stopped on Ctrl-C.
    var silentServices: Set<String> = []

    /// With `driver`, Ctrl-C stops the stack's containers before returning (attached `up`).
    /// With `abortOnExit`, the first container to exit stops the others too, and the result
    /// is its exit code (or that of `exitCodeFrom`'s container), for `up
    /// --abort-on-container-exit` / `--exit-code-from`.
    @discardableResult
    func run(
        stopOnInterrupt driver: LinuxDriver? = nil, abortOnExit: Bool = false, exitCodeFrom: String? = nil
    ) async throws -> Int32? {
        let interrupted = Interrupt()
        if follow { interrupted.install() }
        let runtime = context.runtime
        var last: [String: String] = [:]
        var first = true
        for _ in 0..<Int.max {
            let state = try context.store.load(project: context.project) ?? ProjectState(name: context.project)
            let containers = state.containers.filter { services.isEmpty || services.contains($0.service) }
            let width = containers.map { label($0).count }.max() ?? 0
            var anyRunning = false
            var exited: [(service: String, code: Int32)] = []
            for container in containers {
                let options = LogOptions(tail: first ? tail : nil, since: last[container.name])
                let records =
                    silentServices.contains(container.service)
                    ? [] : (try? runtime.logs(id: container.runtimeID, options: options)) ?? []
                for record in records where last[container.name].map({ record.time > $0 }) ?? true {
                    var line = record.log.hasSuffix("\n") ? String(record.log.dropLast()) : record.log
                    if timestamps { line = "\(record.time) \(line)" }
                    if prefix {
                        let name = label(container)
                        line = name + String(repeating: " ", count: width - name.count) + " | " + line
                    }
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                    last[container.name] = record.time
                }
                if let current = try? runtime.state(id: container.runtimeID) {
                    if current.status == .running || current.status == .restarting {
                        anyRunning = true
                    } else if current.status == .exited {
                        exited.append((container.service, current.exitCode ?? 0))
                    }
                }
            }
            first = false
            if abortOnExit, let driver, let firstExit = exited.first {
                Terminal.writeError("Aborting on container exit...\n")
                for container in containers.reversed() {
                    try? await driver.stopContainer(container.name, timeout: .seconds(10))
                }
                if let exitCodeFrom {
                    return exited.first { $0.service == exitCodeFrom }?.code
                        ?? containers.first { $0.service == exitCodeFrom }.flatMap {
                            (try? runtime.state(id: $0.runtimeID))?.exitCode
                        } ?? 0
                }
                return firstExit.code
            }
            if !follow || !anyRunning { return nil }
            if interrupted.happened {
                if let driver {
                    Terminal.writeError("Gracefully stopping... (press Ctrl+C again to force)\n")
                    for container in containers {
                        try? await driver.stopContainer(container.name, timeout: .seconds(10))
                    }
                }
                return nil
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    func label(_ container: ContainerRecord) -> String {
        "\(container.service)-\(container.replica)"
    }
}

/// Ctrl-C as a flag the log loop polls, instead of killing the process mid-write. The
/// source is set once, before any handler can run.
final class Interrupt: @unchecked Sendable {
    private let flag = Atomic<Bool>(false)
    private var source: (any DispatchSourceSignal)?

    var happened: Bool { flag.load(ordering: .relaxed) }

    func install() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in flag.store(true, ordering: .relaxed) }
        source.resume()
        self.source = source
    }
}
