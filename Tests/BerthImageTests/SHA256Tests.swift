import BerthEncoding
import Testing

@testable import BerthImage

@Suite struct SHA256Tests {
    @Test func knownVectorsHashToTheirPublishedDigests() {
        #expect(Digest.of(Array("".utf8)).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.of(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Digest.of(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            Digest.of(Array(repeating: UInt8(ascii: "a"), count: 1_000_000)).hex
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func feedingInOddChunksGivesTheSameDigestAsOneBuffer() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = StreamHasher()
        var offset = 0
        var step = 1
        while offset < data.count {
            let end = min(data.count, offset + step)
            data[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
            step = step % 97 + 13
        }
        #expect(hasher.digest == Digest.of(data))
        #expect(hasher.byteCount == UInt64(data.count))
    }

    @Test func libcryptoAndThePortableHasherAgree() {
        for count in [0, 1, 55, 56, 63, 64, 65, 1000, 65_537] {
            let data = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 3) }
            #expect(Digest.of(data).hex == SHA256.hex(data), "\(count) bytes")
        }
    }

    @Test func digestsParseOnlyAsSha256WithSixtyFourHexDigits() throws {
        let text = "sha256:" + String(repeating: "ab", count: 32)
        #expect(try Digest(parsing: text).description == text)
        #expect(throws: ImageError.self) { try Digest(parsing: "sha256:abc") }
        #expect(throws: ImageError.self) { try Digest(parsing: "sha256:" + String(repeating: "AB", count: 32)) }
        #expect {
            try Digest(parsing: "sha512:" + String(repeating: "ab", count: 64))
        } throws: { error in
            "\(error)".contains("unsupported digest algorithm \"sha512\"")
        }
    }
}
