import BerthModel
import BerthState
import BerthSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One volume as `berth volume` shows it.
public struct VolumeInfo: Sendable, Equatable {
    /// `NAME` for a named volume, `CONTAINER@INDEX` for a container's anonymous volume.
    public var name: String
    /// The host directory mounted into containers.
    public var mountpoint: String
    /// Unnamed: made for one container (a target-only `volumes:` entry or an image VOLUME)
    /// or by `berth volume create` without a name. `prune` removes only these unless `--all`.
    public var anonymous: Bool
    /// The stack that made it, if one did.
    public var project: String?
    /// Containers (of any project) that mount it.
    public var usedBy: [String]
    /// Processes, one per mount namespace, that mount it now (the kernel's view); filled only
    /// for commands that delete.
    public var mountedBy: [Int32] = []

    var isInUse: Bool { !usedBy.isEmpty || !mountedBy.isEmpty }

    /// "container a, b" from the records, else "process N" from the mount tables.
    var users: String {
        usedBy.isEmpty
            ? "process \(mountedBy.map(String.init).joined(separator: ", "))"
            : "container \(usedBy.joined(separator: ", "))"
    }
}

/// Volumes under berth's root: named ones in `<root>/volumes/NAME/_data`, anonymous ones in
/// `<root>/anonymous/CONTAINER/INDEX`. Usage comes from every project's record, so a volume
/// a container mounts is never removed under it.
public struct VolumeStore: Sendable {
    let paths: DriverPaths
    let store: StateStore

    public init(root: String) {
        self.paths = DriverPaths(root: root)
        self.store = StateStore(root: root)
    }

    var volumesDirectory: String { "\(paths.root)/volumes" }
    var anonymousDirectory: String { "\(paths.root)/anonymous" }
    func anonymousMarker(_ name: String) -> String { "\(paths.volume(name))/anonymous" }

    struct Usage {
        var byVolume: [String: [String]] = [:]
        var projectOf: [String: String] = [:]
        var containers = Set<String>()
    }

    /// Who uses each volume, from every project's record. `strict` (for commands that delete)
    /// fails on a record that cannot be read; listing shows what the readable records say.
    func usage(strict: Bool) throws -> Usage {
        var usage = Usage()
        let states =
            strict
            ? try store.statesBeforeRemoving("volumes")
            : store.projects().compactMap { try? store.load(project: $0) }
        for state in states {
            for volume in state.volumes where !volume.external { usage.projectOf[volume.name] = state.name }
            for container in state.containers {
                usage.containers.insert(container.name)
                for volume in Set(container.details?.volumes ?? []) {
                    usage.byVolume[volume, default: []].append(container.name)
                }
            }
        }
        // Containers outside any stack (`berth container run`) keep their anonymous volumes.
        let runtimeContainers = (try? FileManager.default.contentsOfDirectory(atPath: "\(paths.root)/containers")) ?? []
        usage.containers.formUnion(runtimeContainers)
        return usage
    }

    public func list() -> [VolumeInfo] {
        (try? list(strict: false)) ?? []
    }

    /// Every volume with its users: those in the records, and for `strict` also every mount
    /// namespace that mounts it right now (the kernel's view, which no damaged or missing
    /// record can hide).
    func list(strict: Bool) throws -> [VolumeInfo] {
        let usage = try usage(strict: strict)
        var result: [VolumeInfo] = []
        let named = (try? FileManager.default.contentsOfDirectory(atPath: volumesDirectory)) ?? []
        for name in named.sorted() where FileManager.default.fileExists(atPath: paths.volumeData(name)) {
            result.append(
                VolumeInfo(
                    name: name, mountpoint: paths.volumeData(name),
                    anonymous: FileManager.default.fileExists(atPath: anonymousMarker(name)),
                    project: usage.projectOf[name], usedBy: (usage.byVolume[name] ?? []).sorted()))
        }
        let owners = (try? FileManager.default.contentsOfDirectory(atPath: anonymousDirectory)) ?? []
        for container in owners.sorted() {
            let directory = "\(anonymousDirectory)/\(container)"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for index in entries.compactMap({ Int($0) }).sorted() {
                result.append(
                    VolumeInfo(
                        name: "\(container)@\(index)", mountpoint: "\(directory)/\(index)", anonymous: true,
                        project: nil, usedBy: usage.containers.contains(container) ? [container] : []))
            }
        }
        guard strict else { return result }
        let live = LiveMounts.users(of: result.map(\.mountpoint))
        for i in result.indices {
            result[i].mountedBy = live[result[i].mountpoint] ?? []
        }
        return result
    }

    public func inspect(_ name: String) throws -> VolumeInfo {
        guard let info = list().first(where: { $0.name == name }) else {
            throw DriverError("volume \(name) does not exist", hint: "see `berth volume ls`")
        }
        return info
    }

    /// Makes a named volume; without a name, an anonymous one with a random name (as docker).
    public func create(_ requested: String?) throws -> VolumeInfo {
        let anonymous = requested == nil
        let name = requested ?? (0..<32).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
        do { try ResourceName.check(name, kind: "volume") } catch {
            throw DriverError("invalid volume name: \(error.message)", hint: error.hint)
        }
        // As docker: creating an existing volume is not an error, it names the volume again.
        if !FileManager.default.fileExists(atPath: paths.volumeData(name)) {
            try FileManager.default.createDirectory(atPath: paths.volumeData(name), withIntermediateDirectories: true)
            if anonymous {
                _ = FileManager.default.createFile(atPath: anonymousMarker(name), contents: Data())
            }
        }
        return try inspect(name)
    }

    /// Removes a volume no container uses. Like docker, a volume in use is refused even with
    /// `force`, naming the containers; `force` only makes a missing volume not an error.
    public func remove(_ name: String, force: Bool) throws {
        guard let info = try list(strict: true).first(where: { $0.name == name }) else {
            if force { return }
            throw DriverError("volume \(name) does not exist", hint: "see `berth volume ls`")
        }
        guard !info.isInUse else {
            throw DriverError(
                "volume \(name) is in use by \(info.users)",
                hint: "remove the container first (`berth down` in its project)")
        }
        try delete(info)
    }

    /// Removes unused anonymous volumes, or every unused volume with `all`; returns their names.
    public func prune(all: Bool) throws -> [String] {
        var removed: [String] = []
        for info in try list(strict: true) where !info.isInUse && (all || info.anonymous) {
            try delete(info)
            removed.append(info.name)
        }
        return removed
    }

    private func delete(_ info: VolumeInfo) throws {
        let remover = TreeRemover(root: paths.root)
        if let at = info.name.firstIndex(of: "@") {
            try remover.remove(info.mountpoint)
            let directory = "\(anonymousDirectory)/\(info.name[..<at])"
            if (try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty == true {
                rmdir(directory)
            }
        } else {
            try remover.remove(paths.volume(info.name))
        }
    }
}
