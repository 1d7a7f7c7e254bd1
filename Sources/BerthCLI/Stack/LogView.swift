import BerthSession
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Prints the project's container logs, prefixed `service-N |` like compose; the session
/// decides what to follow and when to stop.
struct LogView {
    let prefix: Bool
    let timestamps: Bool

    /// Follows `options` through the session. Attached (`attach` set), Ctrl-C stops the
    /// followed containers; the result is the exit code `up` returns.
    @discardableResult
    func follow(_ session: StackSession, _ options: LogFollowOptions, attach: AttachOptions? = nil) async throws
        -> Int32?
    {
        let interrupted = Interrupt()
        if options.follow { interrupted.install() }
        return try await session.followLogs(options, attach: attach, interrupted: { interrupted.happened }) {
            line, container, all in
            var text = line.text.hasSuffix("\n") ? String(line.text.dropLast()) : line.text
            if timestamps { text = "\(line.time) \(text)" }
            if prefix {
                let width = all.map { Self.label($0).count }.max() ?? 0
                let name = Self.label(container)
                text = name + String(repeating: " ", count: width - name.count) + " | " + text
            }
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }

    static func label(_ container: ContainerStatus) -> String {
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
