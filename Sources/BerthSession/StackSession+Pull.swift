import BerthImage
import BerthModel

/// Progress of one image pull, per layer; the CLI renders it.
public typealias ImagePullEvent = PullEvent
/// A content digest (`sha256:…`) of the image store.
public typealias ImageDigest = Digest

/// Receives one image's pull progress (from download tasks, so it must be thread-safe).
public protocol ImagePullObserver: Sendable {
    func receive(_ event: ImagePullEvent)
    /// The image is stored; live views draw their last state.
    func finish()
}

extension StackSession {
    /// `pull`: fetches the images of `services` (all when empty) ahead of `up`, as `policy`
    /// (else each service's `pull_policy`) says; two services on one image pull it once.
    /// `report` gets one line per service: what happened to its image.
    public func pull(
        services: [String], policy override: ImagePullPolicy?, insecureRegistry: Bool,
        observer: @escaping () -> (any ImagePullObserver)?, report: (_ service: String, _ line: String) -> Void
    ) async throws {
        let store = ImageStoreFactory.make(root: host.root)
        var done: [String: String] = [:]
        for service in topology.services where services.isEmpty || services.contains(service.name.rawValue) {
            guard let text = service.image else { continue }
            let name = service.name.rawValue
            let policy = (override ?? Self.policy(of: service)).store
            // Two services on one image pull it once; a stricter policy on the second still applies.
            let key = "\(text)|\(policy.rawValue)"
            if let line = done[key] {
                report(name, line)
                continue
            }
            let reference: ImageReference
            do {
                reference = try ImageReference(parsing: text)
            } catch {
                throw StackError.message("service \(name): image \(text): \(error)")
            }
            let wasStored = (try? store.image(for: reference)) != nil
            let progress = observer()
            let options = PullOptions(
                insecureRegistries: insecureRegistry ? [reference.domain] : [],
                progress: { event in progress?.receive(event) })
            let image: StoredImage
            do {
                image = try await store.ensure(reference, policy: policy, options: options)
            } catch ImageError.pullPolicyNever {
                throw StackError.message(
                    "service \(name): image \(text) is not in the store and pull_policy is never"
                        + (override == nil ? "" : " (--policy never)")
                        + "; load it with 'berth image load' or pull it with 'berth pull --policy missing \(name)'")
            } catch {
                throw StackError.message("service \(name): image \(text) (pull_policy \(policy.rawValue)): \(error)")
            }
            progress?.finish()
            let what =
                policy == .always || !wasStored ? "pulled" : "present, not pulled (pull_policy \(policy.rawValue))"
            let line = "\(text) \(what) \(image.manifestDigest)"
            done[key] = line
            report(name, line)
        }
    }

    static func policy(of service: Service) -> ImagePullPolicy {
        switch service.pullPolicy {
        case .always: return .always
        case .never: return .never
        case .missing, nil: return .missing
        }
    }
}
