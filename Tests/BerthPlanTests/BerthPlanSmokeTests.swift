import Testing

@testable import BerthPlan
