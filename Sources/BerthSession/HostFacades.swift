import BerthDriver
import BerthRuntime

// The `volume`, `network` and `container` commands work on one store of berth's root
// each (the `image` commands have `ImageLibrary`). The CLI reaches those stores here, through the same
// host that runs stacks, instead of importing the modules underneath; the names below are
// the stores' own types, so the commands read as before.

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
