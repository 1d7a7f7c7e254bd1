import Foundation
import Testing

@testable import BerthRuntime

@Suite(.serialized) struct LogTests {
    @Test func followDeliversLinesAsTheyAppearUntilExit() throws {
        let fixture = try Fixture()
        let id = fixture.newID()
        try fixture.runtime.run(id: id, spec: fixture.spec("for i in 1 2 3; do echo $i; sleep 0.05; done; echo e >&2"))
        var lines: [String] = []
        let state = try fixture.runtime.followLogs(id: id) { record in
            lines.append((record.stream == .stderr ? "err:" : "") + record.log)
            return true
        }
        #expect(state.status == .exited)
        #expect(lines == ["1\n", "2\n", "3\n", "err:e\n"])
    }

    @Test func tailAndSinceSelectTheLastLines() throws {
        let fixture = try Fixture()
        let (_, _) = try fixture.run("seq 1 10")
        let id = try #require(fixture.ids.last)
        let all = try fixture.runtime.logs(id: id)
        #expect(try fixture.runtime.logs(id: id, options: LogOptions(tail: 2)).map(\.log) == ["9\n", "10\n"])
        let since = all[7].time
        #expect(try fixture.runtime.logs(id: id, options: LogOptions(since: since)).count == 3)
    }

    @Test func logFileIsRotatedAtItsSizeLimit() throws {
        let fixture = try Fixture()
        let (_, _) = try fixture.run(
            "i=0; while [ $i -lt 400 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done"
        ) {
            $0.logging.maxBytes = 8192
            $0.logging.maxFiles = 2
        }
        let id = try #require(fixture.ids.last)
        let dir = fixture.base + "/state/containers/\(id)"
        let size = try FileManager.default.attributesOfItem(atPath: dir + "/container.log")[.size] as? Int ?? 0
        #expect(size <= 8192)
        #expect(FileManager.default.fileExists(atPath: dir + "/container.log.1"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/container.log.2"))
        #expect(try fixture.runtime.logs(id: id).last?.log == "line-399-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n")
    }

    @Test func terminalContainerGetsAPtyAsControllingTerminalAndConsole() throws {
        let fixture = try Fixture()
        let (state, out) = try fixture.run(
            "test -t 0 && test -t 1 && echo isatty; test -c /dev/console && echo console; exit 4"
        ) {
            $0.process.terminal = true
        }
        #expect(state.exitCode == 4)
        #expect(out.replacingOccurrences(of: "\r", with: "") == "isatty\nconsole\n")
    }
}
