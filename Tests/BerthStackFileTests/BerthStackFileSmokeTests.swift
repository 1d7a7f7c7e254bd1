import Testing

@testable import BerthStackFile
