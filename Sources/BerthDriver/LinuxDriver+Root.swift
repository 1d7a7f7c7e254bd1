extension LinuxDriver {
    /// berth's state directory this driver works under.
    public nonisolated var root: String { paths.root }
}
