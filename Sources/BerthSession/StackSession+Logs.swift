import BerthEngine
import BerthPlan

/// What `logs` and an attached `up` follow.
public struct LogFollowOptions: Sendable {
    /// Services to show (all when empty).
    public var services: [String] = []
    /// Keep following until interrupted or until no container runs.
    public var follow = false
    /// Only each container's last N lines at first.
    public var tail: Int?
    /// Services whose output is not shown (compose's `attach: false`); they are still
    /// watched for exits and stopped with the others.
    public var silentServices: Set<String> = []

    public init() {}
}

/// An attached `up`: Ctrl-C stops the followed containers; with `abortOnExit` the first
/// container to exit stops the others too.
public struct AttachOptions: Sendable {
    public var abortOnExit = false
    /// `--exit-code-from`: whose exit code is the result.
    public var exitCodeFrom: String?
    public var stopTimeout: Swift.Duration = .seconds(10)

    public init() {}
}

extension StackSession {
    /// Follows the project's container logs, handing each new line to `write` (with every
    /// followed container, so a view can align prefixes). Attached (`attach` set), Ctrl-C
    /// (`interrupted`) and an exit under `abortOnExit` stop the followed containers with a
    /// stop plan; the result is then the exit code `up` returns.
    @discardableResult
    public func followLogs(
        _ options: LogFollowOptions, attach: AttachOptions? = nil, interrupted: @Sendable () -> Bool = { false },
        write: (LogLine, ContainerStatus, [ContainerStatus]) -> Void
    ) async throws -> Int32? {
        var last: [String: String] = [:]
        var first = true
        for _ in 0..<Int.max {
            let containers = try await host.containers(project: project).filter {
                options.services.isEmpty || options.services.contains($0.service)
            }
            var anyRunning = false
            var exited: [(service: String, code: Int32)] = []
            for container in containers {
                let lines =
                    options.silentServices.contains(container.service)
                    ? [] : await host.logs(container, tail: first ? options.tail : nil, since: last[container.name])
                for line in lines where last[container.name].map({ line.time > $0 }) ?? true {
                    write(line, container, containers)
                    last[container.name] = line.time
                }
                if container.isRunning {
                    anyRunning = true
                } else if container.status == .exited {
                    exited.append((container.service, container.exitCode ?? 0))
                }
            }
            first = false
            if let attach, attach.abortOnExit, let firstExit = exited.first {
                observer.receive(.notice("Aborting on container exit..."))
                await stopFollowed(options.services, timeout: attach.stopTimeout)
                guard let from = attach.exitCodeFrom else { return firstExit.code }
                if let code = exited.first(where: { $0.service == from })?.code { return code }
                return try await host.containers(project: project).first { $0.service == from }?.exitCode ?? 0
            }
            if !options.follow || !anyRunning { return nil }
            if interrupted() {
                if let attach {
                    observer.receive(.notice("Gracefully stopping... (press Ctrl+C again to force)"))
                    await stopFollowed(options.services, timeout: attach.stopTimeout)
                }
                return nil
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    /// Stops the followed containers with a stop plan (dependents first, in parallel where
    /// they are independent). Failures have been reported as progress; the command's result
    /// stays the exit code it ends with, as before.
    func stopFollowed(_ services: [String], timeout: Swift.Duration) async {
        do {
            let connection = try await host.connect(topology, images: .none, daemon: true)
            let plan = Planner.planLifecycle(
                .stop, project: project, observed: try await connection.driver.observe(), services: services)
            try await apply(plan, driver: connection.driver, stopTimeout: timeout)
        } catch StackError.applyFailed(_) {
            // Each failed step was reported as it happened.
        } catch {
            observer.receive(.notice("stopping the containers: \(error)"))
        }
    }
}
