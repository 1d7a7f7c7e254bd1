import Testing

@testable import BerthRuntime
