import Testing

@testable import BerthEncoding

@Suite struct JSONValueTests {
    @Test func serialisationSortsKeysAndHasNoWhitespace() {
        let value: JSONValue = .object(["b": .integer(2), "a": .array([.bool(true), .null, "x"])])
        #expect(value.serialized == #"{"a":[true,null,"x"],"b":2}"#)
    }

    @Test func parsingThenSerialisingIsStable() throws {
        let text = #"{"env":["A=1","B=\"q\""],"n":-3,"pi":3.5,"u":"\u00e9\ud83d\ude00"}"#
        let parsed = try JSONValue.parse(text)
        #expect(parsed["n"] == .integer(-3))
        #expect(parsed["u"] == .string("é😀"))
        #expect(try JSONValue.parse(parsed.serialized) == parsed)
    }

    @Test func malformedInputNamesTheByteOffset() {
        #expect {
            _ = try JSONValue.parse(#"{"a": tru}"#)
        } throws: { error in
            "\(error)".contains("byte 6")
        }
    }

    @Test func quotedEscapesControlCharacters() {
        #expect(JSONValue.quoted("a\tb\u{02}") == #""a\tb\u0002""#)
    }
}

@Suite struct SHA256HexTests {
    @Test func knownVectorsAsHex() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func streamingEqualsOneShot() {
        var hasher = SHA256()
        hasher.update("hello, ")
        hasher.update("world")
        #expect(SHA256.hexString(hasher.finalize()) == SHA256.hex("hello, world"))
    }
}
