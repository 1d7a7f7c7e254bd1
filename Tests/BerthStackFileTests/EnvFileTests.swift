import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct EnvFileTests {
    func values(_ text: String, lookup: [String: String] = [:]) throws -> [String: String] {
        var out: [String: String] = [:]
        for entry in try EnvFile.parse(text, file: "t.env", lookup: { lookup[$0] }) { out[entry.key] = entry.value }
        return out
    }

    @Test func `plain, exported, commented and blank lines`() throws {
        let text = """
            # a comment
            A=1

            export B=two words  # trailing comment
              C = spaced
            D=#not-a-comment
            E=
            F= # only a comment
            """
        let v = try values(text)
        #expect(v == ["A": "1", "B": "two words", "C": "spaced", "D": "#not-a-comment", "E": "", "F": ""])
    }

    @Test func `single quotes are literal and double quotes understand escapes across lines`() throws {
        let text = """
            S='a $X \\n b'
            D="tab\\there \\"q\\" back\\\\slash $$ \\$X"
            M="line1
            line2"
            """
        let v = try values(text, lookup: ["X": "x"])
        #expect(v["S"] == "a $X \\n b")
        #expect(v["D"] == "tab\there \"q\" back\\slash $ $X")
        #expect(v["M"] == "line1\nline2")
    }

    @Test func `values interpolate earlier keys first, then the lookup`() throws {
        let text = """
            HOST=db
            URL=postgres://${HOST}:${PORT:-5432}/$NAME
            Q="${HOST}-x"
            """
        let v = try values(text, lookup: ["HOST": "ignored", "NAME": "app"])
        #expect(v["URL"] == "postgres://db:5432/app")
        #expect(v["Q"] == "db-x")
    }

    @Test func `a bare key inherits from the lookup or is skipped`() throws {
        let v = try values("INHERITED\nMISSING\n", lookup: ["INHERITED": "yes"])
        #expect(v == ["INHERITED": "yes"])
    }

    @Test func `entries keep the position of their key`() throws {
        let entries = try EnvFile.parse("\n  export  K=v\n", file: "x.env", lookup: { _ in nil })
        #expect(entries.first?.location.description == "x.env:2:11")
    }

    @Test func `a space inside a key is an error with its position`() throws {
        let error = #expect(throws: DiagnosticsError.self) {
            try EnvFile.parse("OK=1\nMY KEY=1\n", file: "x.env", lookup: { _ in nil })
        }
        #expect(error?.description.hasPrefix("x.env:2:4: error: unexpected 'K' after the variable name 'MY'") == true)
    }

    @Test func `an unclosed quote is an error at the opening quote`() throws {
        let error = #expect(throws: DiagnosticsError.self) {
            try EnvFile.parse("A=1\nB=\"open\n", file: "x.env", lookup: { _ in nil })
        }
        #expect(error?.description == "x.env:2:3: error: this double-quoted value is never closed")
    }

    @Test func `a required variable error carries the user's message`() throws {
        let error = #expect(throws: DiagnosticsError.self) {
            try EnvFile.parse("A=${NEED:?set NEED first}\n", file: "x.env", lookup: { _ in nil })
        }
        #expect(
            error?.description == "x.env:1:3: error: required variable 'NEED' is missing a value: set NEED first")
    }
}
