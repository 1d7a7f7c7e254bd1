import Testing

@testable import BerthDiagnostics

@Suite struct DiagnosticRendererTests {
    let source = "services:\n  web:\n    image: busybox\n    portz: [80]\n"

    @Test func humanRenderingQuotesTheLineWithACaretUnderTheColumn() {
        let d = Diagnostic.error(
            "unknown-key", "unknown key 'portz'", at: SourceLocation(file: "compose.yaml", line: 4, column: 5),
            path: KeyPath(keys: "services", "web", "portz"), hint: "did you mean 'ports'?")
        let text = DiagnosticRenderer(sources: ["compose.yaml": source]).render(d)
        #expect(
            text == """
                compose.yaml:4:5: error: services.web.portz: unknown key 'portz'
                    |
                  4 |     portz: [80]
                    |     ^
                  hint: did you mean 'ports'?

                """)
    }

    @Test func renderingWithoutSourceStillNamesTheLocation() {
        let d = Diagnostic.warning(
            "unset-variable", "variable TAG is not set", at: SourceLocation(file: "a.yml", line: 2, column: 9))
        #expect(DiagnosticRenderer().render(d) == "a.yml:2:9: warning: variable TAG is not set\n")
    }

    @Test func jsonCarriesFileLineColumnPathAndHint() {
        let d = Diagnostic.error(
            "bad", "broken", at: SourceLocation(file: "c.yaml", line: 1, column: 2), path: KeyPath(keys: "a"),
            hint: "fix it")
        let json = DiagnosticRenderer.json([d])
        #expect(json.contains("\"file\" : \"c.yaml\""))
        #expect(json.contains("\"line\" : 1"))
        #expect(json.contains("\"column\" : 2"))
        #expect(json.contains("\"path\" : \"a\""))
        #expect(json.contains("\"hint\" : \"fix it\""))
    }

    @Test func diagnosticsSortByFileThenLineThenColumn() {
        var bag = DiagnosticBag()
        bag.add(.error("x", "third", at: SourceLocation(file: "b.yml", line: 1, column: 1)))
        bag.add(.error("x", "second", at: SourceLocation(file: "a.yml", line: 10, column: 1)))
        bag.add(.error("x", "first", at: SourceLocation(file: "a.yml", line: 2, column: 7)))
        bag.add(.error("x", "unlocated"))
        bag.add(.error("x", "first", at: SourceLocation(file: "a.yml", line: 2, column: 7)))
        #expect(bag.sorted.map(\.summary) == ["first", "second", "third", "unlocated"])
    }

    @Test func strictModeTurnsWarningsIntoErrors() {
        var bag = DiagnosticBag()
        bag.add(.warning("w", "careful"))
        #expect(!bag.hasErrors)
        #expect(bag.promotingWarnings(true).hasErrors)
    }
}

@Suite struct KeyPathTests {
    @Test func rendersKeysAndIndexesLikeUsersWriteThem() {
        let path = KeyPath(keys: "services", "web").appending("ports").appending(index: 0)
        #expect(path.description == "services.web.ports[0]")
    }

    @Test func quotesKeysWithDots() {
        #expect(KeyPath(keys: "labels", "com.example.tier").description == "labels.\"com.example.tier\"")
    }
}

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("portz", "ports"), ("enviroment", "environment"), ("imgae", "image"), ("depend_on", "depends_on"),
    ])
    func suggestsTheClosestKey(typo: String, expected: String) {
        let keys = ["ports", "environment", "image", "depends_on", "expose", "volumes"]
        #expect(Suggestions.closest(to: typo, in: keys) == expected)
    }

    @Test func suggestsNothingForAnUnrelatedWord() {
        #expect(Suggestions.closest(to: "frobnicate", in: ["ports", "image"]) == nil)
    }
}
