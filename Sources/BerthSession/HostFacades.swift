import BerthRuntime

// The `container` commands work on berth's runtime directly, one container at a time (the
// `image`, `volume` and `network` commands have `ImageLibrary`, `HostVolumes` and
// `HostNetworks`). The CLI reaches the runtime here instead of importing BerthRuntime; the
// names below are the runtime's own types, so the commands read as before.

/// berth's container runtime, one container at a time (`berth container …`).
public typealias Runtime = BerthRuntime.Runtime
public typealias RuntimeContainerSpec = BerthRuntime.ContainerSpec
public typealias ProcessSpec = BerthRuntime.ProcessSpec
public typealias RuntimeRestartPolicy = BerthRuntime.RestartPolicy
public typealias RuntimeContainerState = BerthRuntime.ContainerState
public typealias LogOptions = BerthRuntime.LogOptions
public typealias LogRecord = BerthRuntime.LogRecord
public typealias ExecSpec = BerthRuntime.ExecSpec
