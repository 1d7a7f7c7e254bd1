import BerthSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Project records under `<root>/projects/<name>/state.json`, each replaced atomically, with
/// one writer per project at a time.
public struct StateStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    var projectsDirectory: String { "\(root)/projects" }

    func directory(for project: String) -> String { "\(projectsDirectory)/\(project)" }

    /// The project's state, or nil if berth never created anything for it.
    public func load(project: String) throws -> ProjectState? {
        let path = "\(directory(for: project))/state.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            // Present but unreadable is damage, not "nothing was created".
            if access(path, F_OK) == 0 { throw StateError.corrupt(path: path, reason: "the file cannot be read") }
            return nil
        }
        do {
            return try JSONDecoder().decode(ProjectState.self, from: data)
        } catch {
            throw StateError.corrupt(path: path, reason: "\(error)")
        }
    }

    /// Writes the project's state atomically; an empty state removes the project's record.
    public func save(_ state: ProjectState) throws {
        let dir = directory(for: state.name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = "\(dir)/state.json"
        if state.isEmpty {
            if unlink(path) != 0, errno != ENOENT { throw SystemCallError("unlink", "\"\(path)\"") }
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(path, Array(try encoder.encode(state)))
    }

    /// Every project's state, sorted by name. Fails on the first record that cannot be read or
    /// decoded: a command that deletes what no container uses must not mistake a damaged
    /// record for "no containers".
    public func loadAll() throws -> [ProjectState] {
        try projects().compactMap { project in try load(project: project) }
    }

    /// Projects that have a state record, sorted.
    public func projects() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: projectsDirectory)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: "\(directory(for: $0))/state.json") }.sorted()
    }

    /// Takes the project's writer lock. If another berth holds it, `onWait` is called once
    /// (to tell the user) and the call waits up to `timeout`, then fails with a clear error.
    public func lock(
        project: String, timeout: Duration = .seconds(60), onWait: () -> Void = {}
    ) throws -> ProjectLock {
        let dir = directory(for: project)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let descriptor = try FileDescriptor.open("\(dir)/lock", O_RDWR | O_CREAT, mode: 0o600)
        do {
            if try descriptor.tryLockExclusive() { return ProjectLock(descriptor: descriptor) }
            onWait()
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            var pause = Duration.milliseconds(10)
            while clock.now < deadline {
                let (seconds, attoseconds) = pause.components
                usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
                if try descriptor.tryLockExclusive() { return ProjectLock(descriptor: descriptor) }
                pause = min(pause * 2, .milliseconds(200))
            }
            throw StateError.lockTimeout(project: project, waited: timeout)
        } catch {
            descriptor.close()
            throw error
        }
    }
}

/// Held while a command changes a project; the kernel releases it when the process exits,
/// however it exits, so a killed `berth up` never blocks the next one.
public final class ProjectLock: @unchecked Sendable {
    private let descriptor: FileDescriptor

    init(descriptor: FileDescriptor) {
        self.descriptor = descriptor
    }

    deinit { descriptor.close() }
}

public enum StateError: Error, CustomStringConvertible {
    case corrupt(path: String, reason: String)
    case lockTimeout(project: String, waited: Duration)

    public var description: String {
        switch self {
        case .corrupt(let path, let reason):
            return "berth's state file \(path) cannot be read (\(reason)); move it aside and run `berth up` again"
        case .lockTimeout(let project, let waited):
            return
                "another berth command is still changing project '\(project)' after waiting \(waited); let it finish, or check for a stuck berth process"
        }
    }
}
