import BerthDiagnostics

/// A Linux signal, named (`SIGTERM`, `TERM`) or numbered (`15`). Stored as its number so
/// `TERM` and `SIGTERM` are the same value; printed as `SIGTERM`.
public struct Signal: Hashable, Sendable, CustomStringConvertible {
    public var number: Int32

    public init(number: Int32) { self.number = number }

    static let names: [String: Int32] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "IOT": 6, "BUS": 7, "FPE": 8, "KILL": 9,
        "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15, "STKFLT": 16, "CHLD": 17,
        "CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23, "XCPU": 24, "XFSZ": 25,
        "VTALRM": 26, "PROF": 27, "WINCH": 28, "IO": 29, "POLL": 29, "PWR": 30, "SYS": 31,
    ]

    public init(parsing text: String) throws(ValueError) {
        if let n = Int32(text) {
            guard n >= 1, n <= 64 else { throw ValueError("signal number \(n) is outside 1…64") }
            self.number = n
            return
        }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if let n = Signal.names[name] {
            self.number = n
            return
        }
        if name.hasPrefix("RTMIN+"), let k = Int32(name.dropFirst(6)), k >= 0, k <= 30 {
            self.number = 34 + k
            return
        }
        throw ValueError(
            "unknown signal '\(text)'",
            hint: Suggestions.hint(for: "SIG" + name, in: Signal.names.keys.map { "SIG" + $0 }.sorted())
                ?? "use a name such as SIGTERM or SIGINT, or a number")
    }

    public var description: String {
        if let name = Signal.names.filter({ $0.value == number && $0.key != "IOT" && $0.key != "POLL" }).keys.first {
            return "SIG" + name
        }
        if number >= 34 { return "SIGRTMIN+\(number - 34)" }
        return String(number)
    }
}
