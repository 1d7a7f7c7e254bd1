#if canImport(Glibc)
    import Glibc
#endif

/// What the process is connected to, decided once: colors and live progress only make
/// sense on a terminal, and NO_COLOR turns colors off everywhere.
enum Terminal {
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    static func colors(fd: Int32, environment: [String: String]) -> Bool {
        environment["NO_COLOR"] == nil && environment["TERM"] != "dumb" && isTerminal(fd)
    }

    static func writeError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(2, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    static func writeOutput(_ text: String) {
        print(text, terminator: "")
    }
}
