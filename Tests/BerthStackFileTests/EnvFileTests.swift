import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct EnvFileTests {
    func values(_ text: String, lookup: [String: String] = [:]) throws -> [String: String] {
        var out: [String: String] = [:]
        for entry in try EnvFile.parse(text, file: "t.env", lookup: { lookup[$0] }) { out[entry.key] = entry.value }
        return out
    }

    @Test("plain, exported, commented and blank lines")
    func plainExportedCommentedAnd() throws {
        let text = """
            # a comment
            A=1

            export B=two words  # trailing comment
              C = spaced
            D=#not-a-comment
            E=
            F= # compose keeps this
            G=a\t#b
            """
        let v = try values(text)
        #expect(
            v == [
                "A": "1", "B": "two words", "C": "spaced", "D": "#not-a-comment", "E": "", "F": "# compose keeps this",
                "G": "a\t#b",
            ])
    }

    @Test("single quotes are literal and double quotes understand escapes across lines")
    func singleQuotesAreLiteral() throws {
        let text = """
            S='a $X \\n b \\' c'
            D="tab\\there \\"q\\" back\\\\slash $$ \\$X"
            M="line1
            line2"
            """
        let v = try values(text, lookup: ["X": "x"])
        #expect(v["S"] == "a $X \\n b ' c")
        #expect(v["D"] == "tab\there \"q\" back\\slash $ $X")
        #expect(v["M"] == "line1\nline2")
    }

    @Test("values interpolate earlier keys first, then the lookup")
    func valuesInterpolateEarlierKeys() throws {
        let text = """
            HOST=db
            URL=postgres://${HOST}:${PORT:-5432}/$NAME
            Q="${HOST}-x"
            """
        let v = try values(text, lookup: ["HOST": "ignored", "NAME": "app"])
        #expect(v["URL"] == "postgres://db:5432/app")
        #expect(v["Q"] == "db-x")
    }

    @Test("a bare key inherits from the lookup or is skipped")
    func aBareKeyInherits() throws {
        let v = try values("EARLIER=1\nINHERITED\nMISSING\nEARLIER\n", lookup: ["INHERITED": "yes"])
        #expect(v == ["INHERITED": "yes", "EARLIER": "1"])
    }

    @Test("entries keep the position of their key")
    func entriesKeepThePosition() throws {
        let entries = try EnvFile.parse("\n  export  K=v\n", file: "x.env", lookup: { _ in nil })
        #expect(entries.first?.location.description == "x.env:2:11")
    }

    @Test("a space inside a key is an error with its position")
    func aSpaceInsideA() throws {
        let error = #expect(throws: DiagnosticsError.self) {
            try EnvFile.parse("OK=1\nMY KEY=1\n", file: "x.env", lookup: { _ in nil })
        }
        #expect(error?.description.hasPrefix("x.env:2:4: error: unexpected 'K' after the variable name 'MY'") == true)
    }

    @Test("an unclosed quote is an error at the opening quote")
    func anUnclosedQuoteIs() throws {
        let error = #expect(throws: DiagnosticsError.self) {
            try EnvFile.parse("A=1\nB=\"open\n", file: "x.env", lookup: { _ in nil })
        }
        #expect(error?.description == "x.env:2:3: error: this double-quoted value is never closed")
    }

    @Test("a required variable error carries the user's message")
    func aRequiredVariableError() throws {
        let error = #expect(throws: DiagnosticsError.self) {
            try EnvFile.parse("A=${NEED:?set NEED first}\n", file: "x.env", lookup: { _ in nil })
        }
        #expect(
            error?.description == "x.env:1:3: error: required variable 'NEED' is missing a value: set NEED first")
    }

    @Test("a byte-order mark and CRLF line endings are accepted")
    func aByteOrderMark() throws {
        let v = try values("\u{FEFF}A=1\r\nB=\"two\"\r\n# c\r\nC='3'\r\n")
        #expect(v == ["A": "1", "B": "two", "C": "3"])
    }
}
