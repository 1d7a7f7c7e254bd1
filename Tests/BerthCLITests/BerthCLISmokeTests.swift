import Testing

@testable import BerthCLI
