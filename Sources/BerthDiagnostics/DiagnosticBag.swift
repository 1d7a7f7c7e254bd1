/// Collects every problem of a run so users see all of them at once, not one per attempt.
public struct DiagnosticBag: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public mutating func add(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    public mutating func add(contentsOf other: [Diagnostic]) {
        diagnostics.append(contentsOf: other)
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Sorted and de-duplicated, ready to render.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }.sorted(by: Diagnostic.ordered)
    }

    /// With `strict`, warnings count as errors (`--strict`).
    public func promotingWarnings(_ strict: Bool) -> DiagnosticBag {
        guard strict else { return self }
        var copy = DiagnosticBag()
        for var d in diagnostics {
            d.severity = .error
            copy.add(d)
        }
        return copy
    }
}

/// Thrown when a stage cannot produce its output; carries every problem found so far.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public init(_ diagnostic: Diagnostic) {
        self.diagnostics = [diagnostic]
    }

    public var description: String {
        diagnostics.sorted(by: Diagnostic.ordered).map(\.description).joined(separator: "\n")
    }
}
