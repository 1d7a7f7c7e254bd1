import ArgumentParser
import BerthDriver
import BerthImage
import BerthModel
import BerthPlan
import BerthRuntime
import BerthState
import Foundation

/// What every stack command starts from: the validated stack, berth's root, and the
/// project's state store; plus the shared steps (lock, images, driver).
struct StackContext {
    let root: String
    let topology: Topology
    let environment: [String: String]

    var project: String { topology.name.rawValue }
    var store: StateStore { StateStore(root: root) }
    var runtime: Runtime { Runtime(root: root) }

    init(projectOptions: ProjectOptions, rootOptions: RootOptions) throws {
        environment = ProcessInfo.processInfo.environment
        root = rootOptions.resolvedRoot(environment: environment)
        topology = try ProjectLoader(options: projectOptions).load().topology
    }

    /// The project lock, telling the user when another berth command holds it.
    func lock() throws -> ProjectLock {
        let project = self.project
        return try store.lock(project: project) {
            Terminal.writeError("waiting for another berth command on project \(project)…\n")
        }
    }

    /// Stored images for the services, pulled first as `pull` (or each service's
    /// `pull_policy`) says. With `resolveOnly`, missing images are skipped, never pulled.
    func images(pull: BerthImage.PullPolicy? = nil, resolveOnly: Bool = false) async throws -> [String: StoredImage] {
        let store = ImageStoreFactory.make(root: root)
        var result: [String: StoredImage] = [:]
        for service in topology.services {
            guard let text = service.image, result[text] == nil else { continue }
            let reference = try ImageReference(parsing: text)
            if resolveOnly {
                if let image = try? store.image(for: reference) { result[text] = image }
                continue
            }
            let policy = pull ?? service.pullPolicy.flatMap { BerthImage.PullPolicy(rawValue: $0.rawValue) } ?? .missing
            do {
                result[text] = try await store.ensure(reference, policy: policy)
            } catch {
                throw CleanExit.message("service \(service.name): image \(text): \(error)")
            }
        }
        return result
    }

    func driver(images: [String: StoredImage], daemon: Bool) throws -> LinuxDriver {
        try LinuxDriver(
            root: root, project: project, topology: topology, images: images,
            daemonExecutable: daemon ? Self.executable : nil)
    }

    func desired(images: [String: StoredImage]) -> DesiredState {
        DesiredState(topology: topology, imageDigests: images.mapValues { $0.manifestDigest.description })
    }

    /// The running `berth` binary, which also serves as the network daemon.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// `SVC=N` pairs from `--scale` / `berth scale`.
    static func parseScale(_ entries: [String]) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let n = Int(parts[1]), n >= 0 else {
                throw ValidationError("invalid scale '\(entry)': write SERVICE=NUMBER, e.g. web=3")
            }
            result[parts[0]] = n
        }
        return result
    }
}

/// A failure already explained to the user in one line.
enum CleanExit: Error, CustomStringConvertible {
    case message(String)

    var description: String {
        switch self {
        case .message(let text): return text
        }
    }
}

extension StackContext {
    /// The project's recorded containers of `services` (all when empty), in creation order;
    /// a named service without containers is an error that says so.
    func containers(of services: [String]) throws -> [ContainerRecord] {
        let all = (try store.load(project: project))?.containers ?? []
        if let unknown = services.first(where: { name in !all.contains { $0.service == name } }) {
            throw CleanExit.message("service \(unknown) has no containers in project \(project)")
        }
        return all.filter { services.isEmpty || services.contains($0.service) }
    }
}
