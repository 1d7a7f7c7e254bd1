import BerthEngine
import BerthModel
import BerthPlan
import BerthSession
import BerthStackFile
import BerthTestSupport
import Synchronization
import Testing

/// The topology of a valid stack written inline, as the loader would hand it over.
func topology(_ yaml: String, project: String = "app") throws -> Topology {
    let root = try #require(try YAMLReader.parse(yaml, file: "compose.yaml"))
    let stack = LoadedStack(
        projectName: project, projectDirectory: "/proj", files: ["/proj/compose.yaml"], root: root,
        environment: [:], activeProfiles: [], sources: ["compose.yaml": yaml], warnings: [])
    let (topology, diagnostics) = TopologyBuilder.build(stack)
    #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
    return try #require(topology)
}

/// Everything a session reported, in order.
final class RecordingObserver: StackObserver {
    private let events = Mutex<[StackEvent]>([])

    func receive(_ event: StackEvent) { events.withLock { $0.append(event) } }

    var all: [StackEvent] { events.withLock { $0 } }

    var progress: [ProgressEvent] {
        all.compactMap { event in
            if case .progress(let step) = event { return step }
            return nil
        }
    }

    var failures: [String] {
        progress.compactMap { event in
            if case .failed(let message) = event.state { return message }
            return nil
        }
    }

    var notices: [String] {
        all.compactMap { event in
            if case .notice(let text) = event { return text }
            return nil
        }
    }
}

/// A session over a fresh simulated host, with what it reports recorded.
struct Harness {
    let host: SimulatedHost
    let observer = RecordingObserver()
    let session: StackSession

    init(_ yaml: String, rules: [SimulatedRuntime.Rule] = [], refusePreflight: String? = nil) throws {
        host = SimulatedHost(runtime: SimulatedRuntime(rules: rules), refusePreflight: refusePreflight)
        session = StackSession(topology: try topology(yaml), host: host, observer: observer)
    }

    var operations: [String] { get async { await host.runtime.operations } }

    /// Container name → state, as the runtime has them now.
    func states() async throws -> [String: BerthPlan.ContainerState] {
        Dictionary(uniqueKeysWithValues: try await host.runtime.observe().containers.map { ($0.name, $0.state) })
    }
}

let webAndDatabase = """
    services:
      db:
        image: postgres:16
      web:
        image: nginx:1
        depends_on: [db]
    """
