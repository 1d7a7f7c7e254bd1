import BerthDiagnostics
import Foundation

/// The loader's only door to the file system: reads text files, remembers every text read
/// (for quoting lines in diagnostics) and how each file is named in messages.
struct FileReader {
    let workingDirectory: String
    private(set) var sources: [String: String] = [:]

    init(workingDirectory: String) {
        self.workingDirectory = workingDirectory
    }

    func displayName(_ absolute: String) -> String {
        Paths.display(absolute, workingDirectory: workingDirectory)
    }

    func isFile(_ absolute: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Reads `absolute`; `what` names the file's role in the error ("compose file", "env file").
    mutating func read(
        _ absolute: String, what: String, at location: SourceLocation? = nil, path: KeyPath? = nil,
        hint: String? = nil
    ) throws(DiagnosticsError) -> (name: String, text: String) {
        let name = displayName(absolute)
        if let text = sources[name] { return (name, text) }
        guard isFile(absolute) else {
            let exists = FileManager.default.fileExists(atPath: absolute)
            throw DiagnosticsError(
                .error(
                    "file-not-found",
                    exists
                        ? "the \(what) \(absolute) is a directory, not a file"
                        : "the \(what) \(absolute) does not exist",
                    at: location, path: path, hint: hint ?? "check the path"))
        }
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw DiagnosticsError(
                .error(
                    "file-unreadable", "the \(what) \(absolute) cannot be read", at: location, path: path,
                    hint: "check its permissions"))
        }
        if data.count > YAMLReader.maximumFileSize {
            throw DiagnosticsError(
                .error(
                    "file-too-large", "the \(what) \(absolute) is \(data.count) bytes, more than berth reads",
                    at: location, path: path))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticsError(
                .error(
                    "not-text", "the \(what) \(absolute) is not UTF-8 text", at: location, path: path,
                    hint: "save it as UTF-8"))
        }
        sources[name] = text
        return (name, text)
    }
}
