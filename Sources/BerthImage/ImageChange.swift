import Foundation

/// One Dockerfile-style `--change` for `image import`: only the instructions that describe
/// how to run the image. Anything else is refused, not ignored.
public enum ImageChange: Sendable, Equatable {
    case command([String])
    case entrypoint([String])
    case environment(name: String, value: String)
    case workingDirectory(String)
    case user(String)
    case expose(ExposedPort)

    /// Parses `CMD ["sh"]`, `CMD echo hi` (shell form → `/bin/sh -c`), `ENV A=1 B=2`, `ENV A 1`,
    /// `WORKDIR /srv`, `ENTRYPOINT [...]`, `USER nobody`, `EXPOSE 80 53/udp`.
    public static func parse(_ text: String) throws(ImageError) -> [ImageChange] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let instruction = String(trimmed.prefix(while: { !$0.isWhitespace }))
        let rest = trimmed.dropFirst(instruction.count).trimmingCharacters(in: .whitespaces)
        guard !rest.isEmpty else { throw ImageError.invalidChange(text, reason: "\(instruction) needs an argument") }
        switch instruction.uppercased() {
        case "CMD": return [.command(try commandForm(rest, change: text))]
        case "ENTRYPOINT": return [.entrypoint(try commandForm(rest, change: text))]
        case "WORKDIR":
            guard rest.hasPrefix("/") else {
                throw ImageError.invalidChange(text, reason: "WORKDIR must be an absolute path")
            }
            return [.workingDirectory(rest)]
        case "USER": return [.user(rest)]
        case "EXPOSE":
            var ports: [ImageChange] = []
            for word in rest.split(whereSeparator: \.isWhitespace) {
                do {
                    ports.append(.expose(try ExposedPort(parsing: String(word))))
                } catch {
                    throw ImageError.invalidChange(text, reason: "\"\(word)\" is not PORT or PORT/tcp|udp|sctp")
                }
            }
            return ports
        case "ENV":
            let words = rest.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let first = words.first else { throw ImageError.invalidChange(text, reason: "ENV needs NAME=VALUE") }
            if !first.contains("=") {
                let value = rest.dropFirst(first.count).trimmingCharacters(in: .whitespaces)
                return [.environment(name: first, value: value)]
            }
            return try words.map { word throws(ImageError) in
                guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                    throw ImageError.invalidChange(text, reason: "\"\(word)\" is not NAME=VALUE")
                }
                var value = String(word[word.index(after: equals)...])
                if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast())
                }
                return .environment(name: String(word[..<equals]), value: value)
            }
        default:
            throw ImageError.invalidChange(
                text,
                reason:
                    "unsupported instruction \"\(instruction)\"; supported: CMD, ENTRYPOINT, ENV, EXPOSE, USER, WORKDIR"
            )
        }
    }

    private static func commandForm(_ rest: String, change: String) throws(ImageError) -> [String] {
        guard rest.hasPrefix("[") else { return ["/bin/sh", "-c", rest] }
        do {
            return try JSONDecoder().decode([String].self, from: Data(rest.utf8))
        } catch {
            throw ImageError.invalidChange(
                change, reason: "exec form must be a JSON array of strings, e.g. [\"sh\", \"-c\", \"...\"]")
        }
    }

    func apply(to config: inout ImageConfig) {
        switch self {
        case .command(let words): config.command = words
        case .entrypoint(let words): config.entrypoint = words
        case .workingDirectory(let path): config.workingDirectory = path
        case .user(let user): config.user = user
        case .expose(let port): if !config.exposedPorts.contains(port) { config.exposedPorts.append(port) }
        case .environment(let name, let value):
            config.environment.removeAll { $0.hasPrefix(name + "=") }
            config.environment.append("\(name)=\(value)")
        }
    }
}

/// How `image import` stores the generated layer.
public enum LayerCompression: String, Sendable, CaseIterable {
    case gzip
    case none
}
