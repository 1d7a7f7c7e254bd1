import ArgumentParser
import BerthDiagnostics
import BerthModel
import BerthStackFile
import Foundation

/// Compose files → validated topology, with every diagnostic rendered for a person (or as
/// JSON) on standard error. Shared by every command that reads a stack.
struct ProjectLoader {
    var options: ProjectOptions
    var strict: Bool = false
    var diagnosticsFormat: OutputFormat = .text
    var environment: [String: String] = ProcessInfo.processInfo.environment

    /// Loads and validates. Prints warnings (and errors) to stderr; throws `ExitCode(1)`
    /// when the stack is invalid so callers need no error handling of their own.
    func load() throws -> (stack: LoadedStack, topology: Topology) {
        let loadOptions = options.loadOptions(
            environment: environment, workingDirectory: FileManager.default.currentDirectoryPath)
        let stack: LoadedStack
        do {
            stack = try StackLoader.load(loadOptions)
        } catch {
            report(error.diagnostics, sources: [:])
            throw ExitCode(1)
        }
        let (topology, modelDiagnostics) = TopologyBuilder.build(stack)
        var bag = DiagnosticBag()
        bag.add(contentsOf: stack.warnings)
        bag.add(contentsOf: modelDiagnostics)
        bag = bag.promotingWarnings(strict)
        let diagnostics = bag.sorted
        if !diagnostics.isEmpty { report(diagnostics, sources: stack.sources) }
        guard let topology, !bag.hasErrors else { throw ExitCode(1) }
        return (stack, topology)
    }

    private func report(_ diagnostics: [Diagnostic], sources: [String: String]) {
        let sorted = diagnostics.sorted(by: Diagnostic.ordered)
        switch diagnosticsFormat {
        case .json:
            Terminal.writeError(DiagnosticRenderer.json(sorted) + "\n")
        case .text, .yaml:
            let renderer = DiagnosticRenderer(
                sources: sources, colors: Terminal.colors(fd: 2, environment: environment))
            Terminal.writeError(renderer.render(sorted))
            let errors = sorted.filter { $0.severity == .error }.count
            if errors > 0 {
                let warnings = sorted.count - errors
                var line = "\(errors) error\(errors == 1 ? "" : "s")"
                if warnings > 0 { line += ", \(warnings) warning\(warnings == 1 ? "" : "s")" }
                Terminal.writeError(line + "\n")
            }
        }
    }
}
