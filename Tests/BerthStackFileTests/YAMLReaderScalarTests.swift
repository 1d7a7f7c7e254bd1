import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct YAMLReaderScalarTests {
    @Test("a key written twice in one mapping is an error at the first one")
    func duplicateKeys() {
        #expect {
            try YAMLReader.parse("services:\n  web: {}\n  db: {}\n  web: {}\n", file: "x.yaml")
        } throws: { error in
            (error as? DiagnosticsError)?.description == "x.yaml:2:3: error: duplicate key 'web' in a mapping"
        }
    }

    @Test("scalars keep their style; only plain null-like text is null; !!str forces a string")
    func scalarStyles() throws {
        let node = try #require(try YAMLReader.parse("a: 5\nb: '5'\nc: null\nd: !!str null\ne: ~\n", file: "x"))
        #expect(node.at("a")?.scalar?.int == 5)
        #expect(node.at("b")?.scalar?.int == nil)
        #expect(node.at("c")?.isNull == true)
        #expect(node.at("d")?.isNull == false)
        #expect(node.at("e")?.isNull == true)
    }
}
