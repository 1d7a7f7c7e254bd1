import BerthImage
import BerthNetwork
import BerthRuntime
import BerthSystem
import Foundation

/// The kernel and file system side of a container's life, with no project record: volume
/// directories, the pinned network namespace and its veths, and the runtime's create, start,
/// stop and remove. Every call blocks (netlink round trips, mounts, spawning the supervisor
/// and waiting on its pipe, waiting for a process to exit), so the driver runs each on its
/// own thread (`offCooperativePool`): the steps of many containers overlap while the driver's
/// actor only guards the project record.
struct ContainerProvisioner: Sendable {
    /// One veth to make: its host end joins `bridge`, its container end gets `address`.
    struct Wire: Sendable {
        var bridge: BridgeNetwork
        var hostInterface: String
        var address: IPv4Address
        /// The container's default route goes via this network's gateway (the first routed,
        /// non-internal network, as docker does).
        var defaultRoute: Bool
    }

    /// Everything `provision` needs, computed on the actor from the record and the spec.
    struct Request: Sendable {
        var name: String
        var spec: BerthRuntime.ContainerSpec
        var image: StoredImage
        var volumeDirectories: [VolumeDirectory]
        /// nil for `network_mode: host`.
        var networkNamespace: String?
        var wiring: [Wire]
    }

    struct VolumeDirectory: Sendable {
        var path: String
        var target: String
        var seed: Bool
    }

    let paths: DriverPaths
    let runtime: Runtime

    /// Volume directories, the namespace with its veths, then the runtime's record.
    func provision(_ request: Request) throws {
        for directory in request.volumeDirectories {
            try VolumeSeeder.prepare(
                directory.path, target: directory.target, seed: directory.seed, image: request.image)
        }
        if let netnsPath = request.networkNamespace {
            try NamespaceFile.create(at: netnsPath) { namespace in
                let netlink = try RouteNetlink()
                for (index, wire) in request.wiring.enumerated() {
                    try wire.bridge.attach(
                        namespace, hostInterface: wire.hostInterface, containerInterface: "eth\(index)",
                        address: wire.address, defaultRoute: wire.defaultRoute, using: netlink)
                }
            }
        }
        do {
            try runtime.create(id: request.name, spec: request.spec)
        } catch {
            throw DriverError("container \(request.name): \(error)")
        }
        try? Data(request.image.manifestDigest.description.utf8).write(
            to: URL(fileURLWithPath: paths.layout.container(request.name) + "/image"))
    }

    /// Spawns the supervisor and waits until the container's process has exec'd.
    func start(_ name: String, id: String) throws {
        do {
            try runtime.start(id: id)
        } catch {
            throw DriverError("container \(name): \(error)")
        }
    }

    /// Stops and waits for the exit; a container already gone is stopped.
    func stop(_ name: String, id: String, graceMilliseconds: Int64) throws {
        do {
            try runtime.stop(id: id, graceMilliseconds: graceMilliseconds)
        } catch RuntimeError.notFound {
            return
        } catch {
            throw DriverError("container \(name): \(error)")
        }
    }

    /// Removes the runtime's container, its namespace pin with the veths, and its anonymous
    /// volumes; whatever is already gone is skipped.
    ///
    /// The veths go with the namespace: once its pin is gone (and its processes with the
    /// container) the kernel deletes it and every veth pair inside, the namespaces of
    /// containers removed together in one batch, where deleting each host end costs a
    /// netlink round trip and a network synchronisation (about 18 ms here) one after another.
    /// The host ends are waited for, so nothing is left when `down` returns; one that
    /// outlives the wait is deleted explicitly.
    func tearDown(_ name: String, id: String, hostInterfaces: [String], networkNamespace: String) throws {
        do {
            try runtime.remove(id: id, force: true)
        } catch RuntimeError.notFound {
        } catch {
            throw DriverError("container \(name): \(error)")
        }
        try NamespaceFile.remove(at: networkNamespace)
        let lingering = NamespaceFile.waitUntilGone(hostInterfaces, timeout: .seconds(1))
        if !lingering.isEmpty {
            let netlink = try RouteNetlink()
            for interface in lingering where try netlink.linkIfPresent(named: interface) != nil {
                try netlink.deleteLink(interface)
            }
        }
        try TreeRemover(root: paths.root).remove(paths.anonymousVolumes(container: name))
    }
}
