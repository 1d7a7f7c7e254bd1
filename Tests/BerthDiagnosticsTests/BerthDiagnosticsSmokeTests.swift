import Testing

@testable import BerthDiagnostics
