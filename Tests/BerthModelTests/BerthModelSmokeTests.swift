import Testing

@testable import BerthModel
