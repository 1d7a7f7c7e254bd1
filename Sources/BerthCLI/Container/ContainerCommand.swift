import ArgumentParser

/// Low-level access to berth's runtime, one container at a time (no compose file): for
/// debugging the runtime and for scripts.
struct ContainerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "container",
        abstract: "Run and inspect single containers with berth's runtime (low level, for debugging).",
        subcommands: [
            ContainerRun.self, ContainerPs.self, ContainerLogs.self, ContainerExec.self, ContainerStop.self,
            ContainerKill.self, ContainerRm.self, ContainerInspect.self,
        ]
    )
}
