import ArgumentParser
import BerthImage
import BerthModel

/// `berth pull`: fetch the stack's images ahead of `up`, so a deploy does not stall on the
/// network; each service's `pull_policy` decides whether the registry is contacted at all.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Pull the stack's images as each service's pull_policy says.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var rootOptions: RootOptions
    @Option(help: "Override every service's pull_policy: always, missing or never.")
    var policy: BerthImage.PullPolicy?
    @Flag(help: "Use plain HTTP for registries that are not on loopback.") var insecureRegistry = false
    @Flag(name: .shortAndLong, help: "Print nothing but errors.") var quiet = false
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() async throws {
        let context = try StackContext(projectOptions: projectOptions, rootOptions: rootOptions)
        let known = Set(context.topology.services.map(\.name.rawValue))
        if let unknown = services.first(where: { !known.contains($0) }) {
            throw ValidationError("no such service: \(unknown) (services: \(known.sorted().joined(separator: ", ")))")
        }
        let store = ImageStoreFactory.make(root: context.root)
        var done: [String: String] = [:]
        for service in context.topology.services where services.isEmpty || services.contains(service.name.rawValue) {
            guard let text = service.image else { continue }
            let name = service.name.rawValue
            let policy = self.policy ?? Self.policy(of: service)
            // Two services on one image pull it once; a stricter policy on the second still applies.
            let key = "\(text)|\(policy.rawValue)"
            if let line = done[key] {
                if !quiet { Terminal.writeOutput("\(name): \(line)\n") }
                continue
            }
            let reference: ImageReference
            do {
                reference = try ImageReference(parsing: text)
            } catch {
                throw CleanExit.message("service \(name): image \(text): \(error)")
            }
            let wasStored = (try? store.image(for: reference)) != nil
            let printer = PullProgressPrinter()
            let quiet = self.quiet
            let options = PullOptions(
                insecureRegistries: insecureRegistry ? [reference.domain] : [],
                progress: { event in if !quiet { printer.handle(event) } })
            let image: StoredImage
            do {
                image = try await store.ensure(reference, policy: policy, options: options)
            } catch ImageError.pullPolicyNever {
                throw CleanExit.message(
                    "service \(name): image \(text) is not in the store and pull_policy is never"
                        + (self.policy == nil ? "" : " (--policy never)")
                        + "; load it with 'berth image load' or pull it with 'berth pull --policy missing \(name)'")
            } catch {
                throw CleanExit.message("service \(name): image \(text) (pull_policy \(policy.rawValue)): \(error)")
            }
            if !quiet { printer.finish() }
            let what =
                policy == .always || !wasStored ? "pulled" : "present, not pulled (pull_policy \(policy.rawValue))"
            let line = "\(text) \(what) \(image.manifestDigest)"
            done[key] = line
            if !quiet { Terminal.writeOutput("\(name): \(line)\n") }
        }
    }

    static func policy(of service: Service) -> BerthImage.PullPolicy {
        switch service.pullPolicy {
        case .always: return .always
        case .never: return .never
        case .missing, nil: return .missing
        }
    }
}
