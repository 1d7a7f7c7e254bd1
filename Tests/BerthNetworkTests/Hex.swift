@testable import BerthNetwork

/// Bytes from a hex string; spaces and newlines are ignored so tests can lay out one field per group.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.filter { $0.isHexDigit }
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16) ?? 0)
        index = next
    }
    return bytes
}

/// An address from test text; a typo fails the test rather than crashing it.
func ip(_ text: String) throws -> IPv4Address {
    guard let address = IPv4Address(text) else { throw TestSetupError("\"\(text)\" is not an IPv4 address") }
    return address
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
