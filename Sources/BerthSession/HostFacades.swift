import BerthDriver
import BerthImage
import BerthRuntime

// The commands that are not about a stack (`image`, `volume`, `network`, `container`) work
// on one store of berth's root each. The CLI reaches those stores here, through the same
// host that runs stacks, instead of importing the modules underneath; the names below are
// the stores' own types, so the commands read as before.

/// berth's image store (pull, load, import, tag, remove, prune).
public typealias ImageStore = BerthImage.ImageStore
public typealias ImageReference = BerthImage.ImageReference
public typealias ImageChange = BerthImage.ImageChange
public typealias LayerCompression = BerthImage.LayerCompression
public typealias ImageHealthcheck = BerthImage.Healthcheck
public typealias ImagePullOptions = BerthImage.PullOptions

/// Volumes outside and across stacks.
public typealias VolumeStore = BerthDriver.VolumeStore
public typealias VolumeInfo = BerthDriver.VolumeInfo
/// Bridge networks stacks join with `external: true`.
public typealias HostNetworkStore = BerthDriver.HostNetworkStore
public typealias HostNetworkRecord = BerthDriver.HostNetworkRecord
public typealias NetworkUser = BerthDriver.NetworkUser

/// berth's container runtime, one container at a time (`berth container …`).
public typealias Runtime = BerthRuntime.Runtime
public typealias RuntimeContainerSpec = BerthRuntime.ContainerSpec
public typealias ProcessSpec = BerthRuntime.ProcessSpec
public typealias RuntimeRestartPolicy = BerthRuntime.RestartPolicy
public typealias RuntimeContainerState = BerthRuntime.ContainerState
public typealias LogOptions = BerthRuntime.LogOptions
public typealias LogRecord = BerthRuntime.LogRecord
public typealias ExecSpec = BerthRuntime.ExecSpec

extension LinuxHost {
    /// The image store, with images counted as in use by the containers that name them.
    public var images: ImageStore { ImageStoreFactory.make(root: root) }
}
