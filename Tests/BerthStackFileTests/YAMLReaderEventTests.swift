import BerthDiagnostics
import Testing

@testable import BerthStackFile

/// Behaviour of the event-driven reader over libyaml that the older tests do not pin down.
@Suite struct YAMLReaderEventTests {
    func parse(_ text: String) throws -> Node {
        try #require(try YAMLReader.parse(text, file: "c.yml"))
    }

    func diagnostic(_ text: String) -> Diagnostic? {
        do {
            _ = try YAMLReader.parse(text, file: "c.yml")
            return nil
        } catch {
            return error.diagnostics.first
        }
    }

    @Test("nesting deeper than 1000 levels is refused as too-deep at the level that crosses it")
    func tooDeep() throws {
        let deep = String(repeating: "[", count: 1001) + String(repeating: "]", count: 1001)
        let d = try #require(diagnostic(deep))
        #expect(d.code == "too-deep")
        #expect(d.location == SourceLocation(file: "c.yml", line: 1, column: 1001))
        #expect(d.hint == "the document nests deeper than 1000 levels")
        let fine = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(try YAMLReader.parse(fine, file: "c.yml") != nil)
    }

    @Test("an aliased value keeps the anchor's position")
    func aliasValueKeepsAnchorPosition() throws {
        let root = try parse("a: &x hello\nb: *x\n")
        #expect(root["b"]?.string == "hello")
        #expect(root["b"]?.location == SourceLocation(file: "c.yml", line: 1, column: 4))
        #expect(root.mapping?.entry("b")?.keyLocation == SourceLocation(file: "c.yml", line: 2, column: 1))
    }

    @Test("a merge source that is not a mapping is reported at the alias that names it")
    func mergeErrorAtAlias() throws {
        let d = try #require(diagnostic("a: &s text\nb:\n  x: 1\n  <<: [*s]\n"))
        #expect(d.code == "invalid-merge-key")
        #expect(d.location == SourceLocation(file: "c.yml", line: 4, column: 8))
        let single = try #require(diagnostic("a: &s [1]\nb:\n  <<: *s\n"))
        #expect(single.code == "invalid-merge-key")
        #expect(single.location == SourceLocation(file: "c.yml", line: 3, column: 7))
    }

    @Test("an alias bomb is refused at one of its aliases")
    func aliasBombPosition() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let d = try #require(diagnostic(text))
        #expect(d.code == "alias-bomb")
        #expect(d.location?.line == 7)
        #expect(d.location.map { text.split(separator: "\n")[6].utf8.count >= $0.column } == true)
    }

    @Test("an anchor defined again shadows the earlier one for later aliases")
    func shadowedAnchors() throws {
        let root = try parse("a: &x 1\nb: *x\nc: &x {k: 2}\nd: *x\ne: &x [3]\nf: *x\n")
        #expect(root["b"]?.string == "1")
        #expect(root["d"]?["k"]?.string == "2")
        #expect(root["f"]?.sequence?.first?.string == "3")
    }

    @Test("a shadowed anchor's cost follows the anchor the alias names")
    func shadowedAnchorBudget() throws {
        // The first &big would cost over 10^5 per alias; after it is redefined as a scalar, aliases are cheap.
        var text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...5 {
            text += "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        text += "big: &big [*l4]\nbig2: &big small\n"
        text += "uses: [" + Array(repeating: "*big", count: 5000).joined(separator: ", ") + "]\n"
        let root = try parse(text)
        #expect(root["uses"]?.sequence?.count == 5000)
        #expect(root["uses"]?.sequence?.last?.string == "small")
    }

    @Test("an alias to an undefined anchor is an error at the alias, with its key path")
    func undefinedAlias() throws {
        let d = try #require(diagnostic("services:\n  web:\n    image: *nope\n"))
        #expect(d.code == "invalid-yaml")
        #expect(d.summary.contains("'*nope'"))
        #expect(d.location == SourceLocation(file: "c.yml", line: 3, column: 12))
        #expect(d.keyPath?.description == "services.web.image")
    }

    @Test("an alias inside the value of its own anchor is refused")
    func recursiveAlias() throws {
        let d = try #require(diagnostic("a: &x [1, *x]\n"))
        #expect(d.code == "invalid-yaml")
        #expect(d.location == SourceLocation(file: "c.yml", line: 1, column: 11))
    }

    @Test("a second document is refused at its first value where one document is expected")
    func secondDocument() throws {
        let d = try #require(diagnostic("a: 1\n---\nb: 2\n"))
        #expect(d.code == "invalid-yaml")
        #expect(d.location?.line == 3)
        #expect(try parse("---\na: 1\n...\n")["a"]?.string == "1")
    }

    @Test("a list or mapping used as a key is refused")
    func complexKey() throws {
        let d = try #require(diagnostic("? [a, b]\n: 1\n"))
        #expect(d.code == "invalid-key")
    }

    @Test("every scalar style is kept; !!str turns a plain scalar into a string")
    func styles() throws {
        let root = try parse("p: x\ns: 'x'\nd: \"x\"\nl: |\n  x\nf: >\n  x\nt: !!str 80\nq: !!str 'y'\n")
        #expect(root["p"]?.scalar?.style == .plain)
        #expect(root["s"]?.scalar?.style == .singleQuoted)
        #expect(root["d"]?.scalar?.style == .doubleQuoted)
        #expect(root["l"]?.scalar == Scalar("x\n", style: .literal))
        #expect(root["f"]?.scalar == Scalar("x\n", style: .folded))
        #expect(root["t"]?.scalar == Scalar("80", style: .doubleQuoted))
        #expect(root["q"]?.scalar?.style == .singleQuoted)
    }

    @Test("merge tags on keys are refused; standard tags on keys are fine")
    func tagsOnKeys() throws {
        #expect(diagnostic("!reset a: 1\n")?.code == "unknown-tag")
        #expect(try parse("!!str 1: x\n")["1"]?.string == "x")
    }

    @Test("tabs used for indentation get a hint")
    func tabHint() throws {
        let d = try #require(diagnostic("a:\n\tb: 1\n"))
        #expect(d.code == "invalid-yaml")
        #expect(d.location?.line == 2)
        #expect(d.hint == "YAML indentation must use spaces, not tabs")
    }

    @Test("a duplicate key is reported at the first one with a note at the second")
    func duplicateNote() throws {
        let d = try #require(diagnostic("a:\n  x: 1\n  y: 2\n  x: 3\n"))
        #expect(d.code == "duplicate-key")
        #expect(d.location == SourceLocation(file: "c.yml", line: 2, column: 3))
        #expect(d.notes.first?.location == SourceLocation(file: "c.yml", line: 4, column: 3))
    }

    @Test("keys from merge sources may repeat; explicit keys and the earlier source win")
    func mergeOrder() throws {
        let root = try parse("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  z: 0\n  <<: [*a, *b]\n")
        let c = try #require(root["c"]?.mapping)
        #expect(c.keys == ["z", "x", "y"])
        #expect(c["y"]?.string == "1")
        #expect(c["z"]?.string == "0")
        #expect(c.entry("x")?.keyLocation == SourceLocation(file: "c.yml", line: 1, column: 8))
    }

    @Test("an empty list, a scalar or a second '<<' are refused as merge sources")
    func badMergeValues() throws {
        #expect(diagnostic("a:\n  <<: []\n")?.code == "invalid-merge-key")
        #expect(diagnostic("a:\n  <<: text\n")?.location == SourceLocation(file: "c.yml", line: 2, column: 7))
        let twice = try #require(diagnostic("b: &b {x: 1}\na:\n  <<: *b\n  <<: *b\n"))
        #expect(twice.code == "duplicate-key")
        #expect(twice.location == SourceLocation(file: "c.yml", line: 3, column: 3))
    }

    @Test("an alias to a scalar may be a key, positioned where it is written")
    func aliasKey() throws {
        let root = try parse("k: &name web\nservices:\n  *name : {image: x}\n")
        let entry = try #require(root["services"]?.mapping?.entry("web"))
        #expect(entry.keyLocation == SourceLocation(file: "c.yml", line: 3, column: 3))
        #expect(diagnostic("m: &m {a: 1}\nx:\n  *m : 1\n")?.code == "invalid-key")
    }

    @Test("NUL bytes and oversized files are refused before parsing")
    func refusedInputs() throws {
        #expect(diagnostic("a: 1\u{0}\n")?.code == "not-text")
        let big = String(repeating: "#", count: YAMLReader.maximumFileSize + 1)
        #expect(diagnostic(big)?.code == "file-too-large")
    }

    @Test("a mapping with many keys still finds each key and refuses a duplicate")
    func largeMapping() throws {
        let keys = (0..<40).map { "k\($0)" }
        let root = try parse(keys.map { "\($0): \($0)" }.joined(separator: "\n") + "\n")
        #expect(root.mapping?.keys == keys)
        #expect(keys.allSatisfy { root[$0]?.string == $0 })
        let d = try #require(diagnostic(keys.map { "\($0): 1" }.joined(separator: "\n") + "\nk30: 2\n"))
        #expect(d.code == "duplicate-key")
        #expect(d.location?.line == 31)
    }
}

/// `Mapping` scans small mappings and indexes large ones; both must behave the same.
@Suite struct MappingIndexTests {
    func location(_ line: Int) -> BerthDiagnostics.SourceLocation {
        BerthDiagnostics.SourceLocation(file: "m", line: line, column: 1)
    }

    @Test("setting, replacing and removing keys behave the same below and above the index threshold")
    func crossingTheThreshold() {
        var m = Mapping()
        for i in 0..<20 { m["k\(i)", at: location(i)] = .scalar("\(i)", at: location(i)) }
        #expect(m.count == 20)
        #expect(m["k15"]?.string == "15")
        m["k3", at: location(99)] = .scalar("three", at: location(99))
        #expect(m.entry("k3")?.keyLocation == location(3))
        #expect(m["k3"]?.string == "three")
        for i in 0..<15 { m.removeValue(forKey: "k\(i)") }
        #expect(m.keys == ["k15", "k16", "k17", "k18", "k19"])
        #expect(m["k17"]?.string == "17")
        #expect(m["k3"] == nil)
        for i in 20..<30 { m["k\(i)", at: location(i)] = .scalar("\(i)", at: location(i)) }
        #expect(m["k25"]?.string == "25")
        #expect(m["k19"]?.string == "19")
        m["k19", at: location(0)] = nil
        #expect(m["k19"] == nil)
        #expect(m["k29"]?.string == "29")
        #expect(m.count == 14)
    }
}
