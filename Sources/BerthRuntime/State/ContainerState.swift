import BerthSystem

/// What state.json records; written atomically by the supervisor, read by any CLI.
public struct ContainerState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case created, running, restarting, exited
    }
    public enum Health: String, Codable, Sendable {
        case starting, healthy, unhealthy
    }
    public var id: String
    public var status: Status = .created
    /// Host pid of the container's PID 1 while running.
    public var pid: Int32?
    public var supervisorPid: Int32?
    public var exitCode: Int32?
    public var oomKilled: Bool = false
    public var startedAt: String?
    public var finishedAt: String?
    public var restartCount: Int = 0
    public var health: Health?
    public var healthFailingStreak: Int = 0
    /// The last `HealthProbe.kept` healthcheck results, oldest first (docker's
    /// `State.Health.Log`), so a failing check can be explained without re-running it.
    public var healthLog: [HealthProbe]?
    /// Set when the user stopped it, so unless-stopped/always do not restart.
    public var stoppedByUser: Bool = false
    public var error: String?

    public init(id: String) { self.id = id }
}

/// One healthcheck run: when, how it ended and what it printed (stdout and stderr together,
/// the first `outputLimit` bytes).
public struct HealthProbe: Codable, Sendable, Equatable {
    public static let kept = 5
    public static let outputLimit = 4096
    public var start: String
    public var end: String
    /// The probe's exit code (128 + signal when killed; a probe killed at its timeout says so
    /// at the end of `output`).
    public var exitCode: Int32
    public var output: String

    public init(start: String, end: String, exitCode: Int32, output: String) {
        self.start = start
        self.end = end
        self.exitCode = exitCode
        self.output = output
    }
}

/// The files of one container under `<root>/containers/<id>/`.
struct ContainerPaths {
    let root: String
    let id: String
    var directory: String { RootLayout(root: root).container(id) }
    var config: String { "\(directory)/config.json" }
    var state: String { "\(directory)/state.json" }
    var socket: String { "\(directory)/supervisor.sock" }
    var log: String { "\(directory)/container.log" }
    var upper: String { "\(directory)/upper" }
    var work: String { "\(directory)/work" }
    var rootfs: String { "\(directory)/rootfs" }
    var etc: String { "\(directory)/etc" }
    var seccomp: String { "\(directory)/seccomp.bpf" }
    var seccompCache: String { "\(root)/cache/seccomp" }
}
