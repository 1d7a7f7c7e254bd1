import BerthDiagnostics
import Foundation
import Testing

@testable import BerthStackFile

/// A temporary project directory (`berth-test-*`) the test writes files into; removed by
/// `remove()`, which every test calls in a `defer`.
struct Fixture {
    let root: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        root = Paths.normalise(base + "/berth-test-" + UUID().uuidString.prefix(8).lowercased())
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func write(_ path: String, _ text: String) throws {
        let absolute = root + "/" + path
        try FileManager.default.createDirectory(
            atPath: Paths.directory(of: absolute), withIntermediateDirectories: true)
        try text.write(toFile: absolute, atomically: true, encoding: .utf8)
    }

    func options(
        files: [String] = [], directory: String = "", projectName: String? = nil, projectDirectory: String? = nil,
        envFiles: [String] = [], profiles: [String] = [], environment: [String: String] = [:]
    ) -> LoadOptions {
        LoadOptions(
            files: files, projectName: projectName, projectDirectory: projectDirectory, envFiles: envFiles,
            profiles: profiles, environment: environment,
            workingDirectory: directory.isEmpty ? root : root + "/" + directory)
    }

    func load(_ options: LoadOptions) throws -> LoadedStack {
        try StackLoader.load(options)
    }

    /// The error text a user would see (one line per diagnostic), or nil if loading worked.
    func failure(_ options: LoadOptions) -> String? {
        do {
            _ = try StackLoader.load(options)
            return nil
        } catch {
            return error.description
        }
    }
}

extension Node {
    /// Follows dotted keys and `[i]` indexes: `services.web.ports[0]`.
    func at(_ path: String) -> Node? {
        var node: Node? = self
        for part in path.split(separator: ".") {
            var key = Substring(part)
            var indexes: [Int] = []
            while let open = key.lastIndex(of: "["), key.hasSuffix("]") {
                guard let i = Int(key[key.index(after: open)..<key.index(before: key.endIndex)]) else { return nil }
                indexes.insert(i, at: 0)
                key = key[..<open]
            }
            if !key.isEmpty { node = node?[String(key)] }
            for i in indexes {
                guard let items = node?.sequence, i < items.count else { return nil }
                node = items[i]
            }
        }
        return node
    }

    func text(_ path: String) -> String? { at(path)?.scalar?.text }

    var texts: [String] { sequence?.compactMap { $0.scalar?.text } ?? [] }

    var keys: [String] { mapping?.keys ?? [] }
}
