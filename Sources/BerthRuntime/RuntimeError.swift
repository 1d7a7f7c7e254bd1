import BerthSystem

/// What went wrong in the runtime, phrased for the person running the container.
public enum RuntimeError: Error, CustomStringConvertible, Sendable {
    case invalidSpec(String)
    case system(SystemCallError)
    /// The container's setup failed inside the child, before its process started.
    case setupFailed(String)
    case notFound(id: String)
    case conflict(String)
    case seccomp(String)
    case protocolError(String)
    /// An error already phrased by another berth process (container child, supervisor),
    /// passed through verbatim.
    case reported(String)

    public var description: String {
        switch self {
        case .invalidSpec(let message): "invalid container spec: \(message)"
        case .system(let error): error.description
        case .setupFailed(let message): "container setup failed: \(message)"
        case .notFound(let id): "no such container: \(id) (see `berth container ps`)"
        case .conflict(let message): message
        case .seccomp(let message): "seccomp: \(message)"
        case .protocolError(let message): "supervisor protocol: \(message)"
        case .reported(let message): message
        }
    }
}

/// Runs `body`, turning a SystemCallError into a RuntimeError.
func system<T>(_ body: () throws(SystemCallError) -> T) throws(RuntimeError) -> T {
    do {
        return try body()
    } catch {
        throw .system(error)
    }
}
