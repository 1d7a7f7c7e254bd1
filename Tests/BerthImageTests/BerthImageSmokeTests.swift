import Testing

@testable import BerthImage
