import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct YAMLReaderTests {
    func parse(_ text: String) throws -> Node {
        try #require(try YAMLReader.parse(text, file: "compose.yaml"))
    }

    @Test func everyNodeKeepsItsLineAndColumn() throws {
        let root = try parse("services:\n  web:\n    image: busybox\n")
        let image = try #require(root["services"]?["web"]?["image"])
        #expect(image.string == "busybox")
        #expect(image.location == SourceLocation(file: "compose.yaml", line: 3, column: 12))
        let key = try #require(root["services"]?.mapping?.entry("web"))
        #expect(key.keyLocation.line == 2 && key.keyLocation.column == 3)
    }

    @Test func quotedScalarsAreNeverNullOrNumbers() throws {
        let root = try parse("a: \"null\"\nb: null\nc: '80'\nd: 80\ne:\n")
        #expect(root["a"]?.isNull == false)
        #expect(root["b"]?.isNull == true)
        #expect(root["c"]?.scalar?.int == nil)
        #expect(root["d"]?.scalar?.int == 80)
        #expect(root["e"]?.isNull == true)
    }

    @Test func anchorsAndMergeKeysExpandWithExplicitKeysWinning() throws {
        let root = try parse(
            """
            x-base: &base
              image: busybox
              restart: always
            services:
              web:
                <<: *base
                restart: "no"
            """)
        let web = try #require(root["services"]?["web"])
        #expect(web["image"]?.string == "busybox")
        #expect(web["restart"]?.string == "no")
        #expect(web.mapping?.keys == ["restart", "image"])
    }

    @Test func mergeKeyAcceptsAListOfMappingsEarlierWinning() throws {
        let root = try parse("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n")
        #expect(root["c"]?["x"]?.string == "1")
        #expect(root["c"]?["y"]?.string == "2")
    }

    @Test func resetAndOverrideTagsAreKept() throws {
        let root = try parse("a: !reset []\nb: !override {x: 1}\n")
        #expect(root["a"]?.mergeTag == .reset)
        #expect(root["b"]?.mergeTag == .override)
    }

    @Test func unknownTagsAreRejectedWithTheirPosition() {
        #expect {
            _ = try YAMLReader.parse("a: !frob 1\n", file: "c.yml")
        } throws: { error in
            guard let e = error as? DiagnosticsError, let d = e.diagnostics.first else { return false }
            return d.summary.contains("'!frob'") && d.location?.line == 1
        }
    }

    @Test func syntaxErrorsPointAtTheProblem() {
        #expect {
            _ = try YAMLReader.parse("services:\n  web:\n    image: [busybox\n", file: "c.yml")
        } throws: { error in
            guard let d = (error as? DiagnosticsError)?.diagnostics.first else { return false }
            return d.code == "invalid-yaml" && d.location?.file == "c.yml" && (d.location?.line ?? 0) >= 3
        }
    }

    @Test func duplicateKeysAreErrors() {
        #expect {
            _ = try YAMLReader.parse("a: 1\na: 2\n", file: "c.yml")
        } throws: { error in
            (error as? DiagnosticsError)?.diagnostics.first?.code == "duplicate-key"
        }
    }

    @Test func aliasBombIsRefusedQuicklyWithAClearError() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            _ = try YAMLReader.parse(text, file: "bomb.yml")
        } throws: { error in
            guard let d = (error as? DiagnosticsError)?.diagnostics.first else { return false }
            return d.code == "alias-bomb" && d.hint?.contains("billion laughs") == true
        }
        #expect(clock.now - start < .seconds(5))
    }

    @Test func deepNestingIsRefusedNotCrashing() {
        let text = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: DiagnosticsError.self) { _ = try YAMLReader.parse(text, file: "deep.yml") }
    }

    @Test func binaryJunkIsRefusedNotCrashing() {
        let junk = String(decoding: (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }, as: UTF8.self)
        #expect(throws: DiagnosticsError.self) { _ = try YAMLReader.parse(junk, file: "junk.yml") }
    }

    @Test func emptyDocumentIsNil() throws {
        #expect(try YAMLReader.parse("", file: "e.yml") == nil)
        #expect(try YAMLReader.parse("# only a comment\n", file: "e.yml") == nil)
    }
}
