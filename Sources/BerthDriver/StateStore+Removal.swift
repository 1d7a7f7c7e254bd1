import BerthState

extension StateStore {
    /// Every project's state, for a command about to delete something no container may use
    /// (`what`: "volumes", "network NAME"). A record that cannot be read or decoded stops the
    /// command: it may name the very containers that use what would be deleted.
    func statesBeforeRemoving(_ what: String) throws -> [ProjectState] {
        do { return try loadAll() } catch {
            throw DriverError(
                "cannot tell which containers use \(what): \(error)",
                hint: "until that file is repaired or moved aside, removing \(what) is refused so that nothing a "
                    + "running container uses is deleted")
        }
    }
}
