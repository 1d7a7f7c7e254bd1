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
    case volume(String)
    case label(name: String, value: String)
    case stopSignal(String)
    case healthcheck(Healthcheck)

    /// Parses `CMD ["sh"]`, `CMD echo hi` (shell form → `/bin/sh -c`), `ENV A=1 B=2`, `ENV A 1`,
    /// `WORKDIR /srv`, `ENTRYPOINT [...]`, `USER nobody`, `EXPOSE 80 53/udp`, `VOLUME /data`,
    /// `LABEL a=b`, `STOPSIGNAL SIGINT`, `HEALTHCHECK [--interval=..] CMD ...` — the instructions
    /// `docker import --change` accepts whose result the image config can hold.
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
            return try pairs(rest, change: text, what: "ENV").map { .environment(name: $0.name, value: $0.value) }
        case "VOLUME": return try volumes(rest, change: text).map { .volume($0) }
        case "LABEL":
            return try pairs(rest, change: text, what: "LABEL").map { .label(name: $0.name, value: $0.value) }
        case "STOPSIGNAL":
            guard !rest.contains(where: \.isWhitespace) else {
                throw ImageError.invalidChange(text, reason: "STOPSIGNAL takes one signal, e.g. SIGINT or 2")
            }
            return [.stopSignal(rest)]
        case "HEALTHCHECK": return [.healthcheck(try healthcheck(rest, change: text))]
        case "ONBUILD":
            throw ImageError.invalidChange(
                text, reason: "ONBUILD is not supported: berth's image config has no trigger list to record it in")
        default:
            throw ImageError.invalidChange(
                text,
                reason:
                    "unsupported instruction \"\(instruction)\"; supported: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR"
            )
        }
    }

    /// `NAME=VALUE` words; a value in double quotes loses its quotes.
    static func pairs(_ rest: String, change: String, what: String) throws(ImageError) -> [(
        name: String, value: String
    )] {
        try rest.split(whereSeparator: \.isWhitespace).map { word throws(ImageError) in
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw ImageError.invalidChange(change, reason: "\"\(word)\" is not NAME=VALUE (\(what))")
            }
            var value = String(word[word.index(after: equals)...])
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            return (String(word[..<equals]), value)
        }
    }

    /// `VOLUME /a /b` or `VOLUME ["/a", "/b"]`; every path absolute.
    private static func volumes(_ rest: String, change: String) throws(ImageError) -> [String] {
        let paths: [String]
        if rest.hasPrefix("[") {
            do {
                paths = try JSONDecoder().decode([String].self, from: Data(rest.utf8))
            } catch {
                throw ImageError.invalidChange(change, reason: "VOLUME's list form must be a JSON array of strings")
            }
        } else {
            paths = rest.split(whereSeparator: \.isWhitespace).map(String.init)
        }
        for path in paths where !path.hasPrefix("/") {
            throw ImageError.invalidChange(change, reason: "VOLUME path \"\(path)\" must be absolute")
        }
        return paths
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
        case .volume(let path): if !config.volumes.contains(path) { config.volumes.append(path) }
        case .label(let name, let value): config.labels[name] = value
        case .stopSignal(let signal): config.stopSignal = signal
        case .healthcheck(let check): config.healthcheck = check
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
