import ArgumentParser
import BerthModel
import BerthSession
import Foundation

/// What every stack command starts from: the validated stack and berth's root, and the
/// session that runs the command's use case with this command's views as its observer.
struct StackContext {
    let root: String
    let topology: Topology
    let environment: [String: String]

    var project: String { topology.name.rawValue }
    var host: LinuxHost { LinuxHost(root: root) }

    init(projectOptions: ProjectOptions, rootOptions: RootOptions) throws {
        environment = ProcessInfo.processInfo.environment
        root = rootOptions.resolvedRoot(environment: environment)
        topology = try ProjectLoader(options: projectOptions).load().topology
    }

    /// The session for this stack, rendering its progress with `printer`.
    func session(progress printer: ProgressPrinter = ProgressPrinter(format: .auto)) -> StackSession {
        StackSession(topology: topology, host: host, observer: TerminalObserver(printer: printer))
    }

    /// `SVC=N` pairs from `--scale` / `berth scale`.
    static func parseScale(_ entries: [String]) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let n = Int(parts[1]), n >= 0 else {
                throw ValidationError("invalid scale '\(entry)': write SERVICE=NUMBER, e.g. web=3")
            }
            result[parts[0]] = n
        }
        return result
    }

    /// Runs a use case; failed steps of an applied plan are printed once each, as
    /// `error: …` lines, and the command exits 1.
    @discardableResult
    static func reportingFailures<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch StackError.applyFailed(let failures) {
            for failure in failures { Terminal.writeError("error: \(failure)\n") }
            throw ExitCode(1)
        }
    }
}

/// Renders what a session reports: progress through the printer, notices and lock waits as
/// lines on standard error.
struct TerminalObserver: StackObserver {
    let printer: ProgressPrinter

    func receive(_ event: StackEvent) {
        switch event {
        case .waitingForLock(let project):
            Terminal.writeError("waiting for another berth command on project \(project)…\n")
        case .progress(let step): printer.print(step)
        case .applyFinished: printer.finish()
        case .notice(let text): Terminal.writeError(text + "\n")
        }
    }
}
