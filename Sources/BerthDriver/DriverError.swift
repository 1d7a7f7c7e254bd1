/// A service berth cannot run as written, or a step of bringing it up that failed, said in
/// terms of the stack file (service, key) and with what to do about it.
public struct DriverError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { hint.map { "\(message); \($0)" } ?? message }

    static func unsupported(_ service: String, _ key: String, _ why: String) -> DriverError {
        DriverError("service \(service): berth does not support '\(key)' yet", hint: why)
    }
}
