import CBerthShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A terminal's size in character cells.
public struct WindowSize: Sendable, Equatable {
    public var rows: UInt16
    public var columns: UInt16

    public init(rows: UInt16, columns: UInt16) {
        self.rows = rows
        self.columns = columns
    }
}

/// Line discipline settings of the caller's terminal. `exec -t` puts it in raw mode so every
/// key (including ^C) reaches the process inside, and must put it back however it ends.
public struct TerminalMode: Sendable {
    let saved: termios
    let fd: Int32

    /// Switches `fd` to raw mode and returns what to restore; nil when `fd` is not a terminal.
    public static func makeRaw(_ fd: FileDescriptor) throws(SystemCallError) -> TerminalMode? {
        guard isatty(fd.rawValue) == 1 else { return nil }
        var current = termios()
        try retryingOnInterrupt("tcgetattr", "\(fd.rawValue)") { tcgetattr(fd.rawValue, &current) }
        var raw = current
        cfmakeraw(&raw)
        try retryingOnInterrupt("tcsetattr", "\(fd.rawValue), TCSADRAIN, raw") {
            tcsetattr(fd.rawValue, TCSADRAIN, &raw)
        }
        return TerminalMode(saved: current, fd: fd.rawValue)
    }

    /// Puts the settings back as they were before `makeRaw`.
    public func restore() {
        var saved = self.saved
        _ = tcsetattr(fd, TCSADRAIN, &saved)
    }

    public static func windowSize(_ fd: FileDescriptor) -> WindowSize? {
        var rows: UInt16 = 0
        var columns: UInt16 = 0
        guard berth_get_winsize(fd.rawValue, &rows, &columns) == 0 else { return nil }
        return WindowSize(rows: rows, columns: columns)
    }

    public static func setWindowSize(_ fd: FileDescriptor, _ size: WindowSize) throws(SystemCallError) {
        try retryingOnInterrupt("ioctl", "\(fd.rawValue), TIOCSWINSZ, \(size.rows)x\(size.columns)") {
            berth_set_winsize(fd.rawValue, size.rows, size.columns)
        }
    }
}
