import BerthRuntime

extension LinuxDriver {
    /// `berth kill`: signals the container's main process; its restart policy (kept by the
    /// supervisor) decides what happens next. A container already gone is not an error.
    public func killContainer(_ name: String, signal: Int32) async throws {
        do {
            try runtime.kill(id: runtimeID(of: name), signal: signal)
        } catch RuntimeError.notFound {
            return
        } catch {
            throw DriverError("container \(name): \(error)")
        }
    }
}
