import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct TemplateTests {
    static let environment = ["SET": "value", "EMPTY": "", "OTHER": "other", "NUM": "5"]

    func substitute(_ text: String) throws(Template.Failure) -> (String, [String]) {
        var unset: [Template.Unset] = []
        let result = try Template.substitute(text, lookup: { Self.environment[$0] }, unset: &unset) ?? text
        return (result, unset.map(\.name))
    }

    @Test(
        "every operator, nesting and $$",
        arguments: [
            ("plain text", "plain text"),
            ("$SET", "value"),
            ("${SET}", "value"),
            ("a${SET}b", "avalueb"),
            ("$SET-suffix", "value-suffix"),
            ("${UNSET:-default}", "default"),
            ("${EMPTY:-default}", "default"),
            ("${SET:-default}", "value"),
            ("${UNSET-default}", "default"),
            ("${EMPTY-default}", ""),
            ("${SET:+alt}", "alt"),
            ("${EMPTY:+alt}", ""),
            ("${EMPTY+alt}", "alt"),
            ("${UNSET+alt}", ""),
            ("${UNSET:+alt}", ""),
            ("${SET:?must}", "value"),
            ("${EMPTY?must}", ""),
            ("${UNSET:-${OTHER}}", "other"),
            ("${UNSET:-${ALSO_UNSET:-deep ${SET}}}", "deep value"),
            ("${SET:+${OTHER}-x}", "other-x"),
            ("${UNSET:-a}}", "a}"),
            ("$$SET", "$SET"),
            ("$${SET}", "${SET}"),
            ("cost: $$5", "cost: $5"),
            ("${UNSET:-$$}", "$"),
            ("${UNSET:-}", ""),
            ("é${SET}ü", "évalueü"),
            ("costs 5$", "costs 5$"),
            ("a $ b $1", "a $ b $1"),
        ])
    func operators(input: String, expected: String) throws {
        #expect(try substitute(input).0 == expected)
    }

    @Test("unset variables without a default are reported and become empty")
    func unset() throws {
        let (text, unset) = try substitute("a-$MISSING-${ALSO}-${UNSET:-d}")
        #expect(text == "a---d")
        #expect(unset == ["MISSING", "ALSO"])
    }

    @Test("a default that is not used is not evaluated")
    func lazyDefault() throws {
        let (text, unset) = try substitute("${SET:-${NOT_SET}}")
        #expect(text == "value")
        #expect(unset.isEmpty)
    }

    @Test(
        "invalid syntax is an error at the dollar",
        arguments: [
            ("x ${", 2, "'${' is not closed with '}'"),
            ("${VAR", 0, "'${VAR' is not closed with '}'"),
            ("a${}", 1, "'${}' names no variable"),
            ("${VAR:-x", 0, "'${VAR' is not closed with '}'"),
            ("${1A}", 0, "a variable name must start with a letter or '_' (found '1')"),
            ("${VAR!}", 0, "unexpected '!' after '${VAR'; expected '}' or one of :- - :? ? :+ +"),
        ])
    func syntax(input: String, offset: Int, reason: String) {
        #expect {
            try substitute(input)
        } throws: { error in
            guard let failure = error as? Template.Failure else { return false }
            return failure.kind == .syntax(reason) && failure.offset == offset
        }
    }

    @Test("required variables fail with the user's message")
    func required() {
        #expect {
            try substitute("${UNSET:?please set UNSET (${SET})}")
        } throws: { error in
            (error as? Template.Failure)?.kind
                == .required(name: "UNSET", message: "please set UNSET (value)", emptyCounts: true)
        }
        #expect {
            try substitute("${EMPTY:?}")
        } throws: { error in
            (error as? Template.Failure)?.kind == .required(name: "EMPTY", message: "", emptyCounts: true)
        }
        #expect {
            try substitute("${UNSET?gone}")
        } throws: { error in
            (error as? Template.Failure)?.kind == .required(name: "UNSET", message: "gone", emptyCounts: false)
        }
    }
}
