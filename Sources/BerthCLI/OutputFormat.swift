import ArgumentParser

/// `--format`: people read the default, scripts read JSON.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case yaml

    static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
