import BerthRuntime
import BerthState

/// What `exec` runs in a container.
public struct ExecRequest: Sendable {
    public var arguments: [String]
    /// `KEY=VALUE` entries.
    public var environment: [String] = []
    public var user: String?
    public var workingDirectory: String?
    /// Allocate a pseudo-terminal for the command.
    public var terminal = false

    public init(arguments: [String]) {
        self.arguments = arguments
    }
}

extension StackSession {
    /// `exec`: runs `request` in replica `index` of `service`; the result is its exit code.
    public func exec(service: String, index: Int, _ request: ExecRequest) throws -> Int32 {
        let state = try StateStore(root: host.root).load(project: project) ?? ProjectState(name: project)
        guard let container = state.containers.first(where: { $0.service == service && $0.replica == index }) else {
            throw StackError.message(
                "service \(service) has no container #\(index) in project \(project); see `berth ps`")
        }
        var spec = ExecSpec(arguments: request.arguments)
        spec.environment = request.environment
        spec.user = request.user
        spec.workingDirectory = request.workingDirectory
        spec.terminal = request.terminal
        return try Runtime(root: host.root).exec(id: container.runtimeID, spec)
    }
}
