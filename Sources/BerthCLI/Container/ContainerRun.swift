import ArgumentParser
import BerthRuntime
import Foundation

import struct BerthModel.ByteCount
import struct BerthModel.CPUCount
import enum BerthModel.ExecLimits
import enum BerthModel.ResourceLimits
import struct BerthModel.ValueError

struct ContainerRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a command in a new container on a root filesystem directory.")

    @OptionGroup var rootOptions: RootOptions
    @Option(
        help: ArgumentHelp(
            "Root filesystem directory (an overlay lower dir; repeat for layers, top first).", valueName: "dir"))
    var rootfs: [String] = []
    @Option(help: "Container id (default: berth-<random>).") var name: String?
    @Flag(name: .shortAndLong, help: "Start and print the id instead of waiting for the exit.") var detach = false
    @Flag(help: "Remove the container after it exits (attached mode).") var rm = false
    @Flag(name: .shortAndLong, help: "Give the process a pseudo-terminal (output is logged as stdout).")
    var tty = false
    @Option(name: .shortAndLong, help: "KEY=VALUE environment entries.") var env: [String] = []
    @Option(name: .shortAndLong, help: "uid, uid:gid, name or name:group.") var user: String?
    @Option(name: .shortAndLong, help: "Working directory inside the container.") var workdir: String?
    @Option(help: "Hostname.") var hostname: String?
    @Flag(help: "Mount the root filesystem read-only.") var readOnly = false
    @Flag(help: "Run a minimal init as PID 1.") var `init` = false
    @Flag(help: "All capabilities, no seccomp, no masked paths, host /dev.") var privileged = false
    @Option(help: "Add a capability (or ALL).") var capAdd: [String] = []
    @Option(help: "Drop a capability (or ALL).") var capDrop: [String] = []
    @Option(help: "seccomp=unconfined, seccomp=FILE or no-new-privileges.") var securityOpt: [String] = []
    @Option(help: "Memory limit in bytes (suffixes k, m, g); 0 for none, else at least 6m.") var memory: String?
    @Option(help: "Process limit.") var pidsLimit: Int64?
    @Option(help: "CPUs, e.g. 1.5; 0 for no limit.") var cpus: String?
    @Option(help: "no, always, on-failure[:N], unless-stopped.") var restart = "no"
    @Option(help: "namespaced sysctl KEY=VALUE.") var sysctl: [String] = []
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments.") var command: [String] = []

    func run() throws {
        guard !rootfs.isEmpty else { throw ValidationError("--rootfs is required") }
        let command = self.command.first == "--" ? Array(self.command.dropFirst()) : self.command
        guard !command.isEmpty else { throw ValidationError("a command is required") }
        var spec = ContainerSpec(lowerDirectories: rootfs, process: ProcessSpec(arguments: command))
        spec.process.environment += env
        spec.process.user = user
        spec.process.terminal = tty
        if let workdir { spec.process.workingDirectory = workdir }
        spec.hostname = hostname
        spec.readOnlyRootfs = readOnly
        spec.initProcess = `init`
        spec.security.privileged = privileged
        spec.security.capabilityAdd = capAdd
        spec.security.capabilityDrop = capDrop
        for option in securityOpt {
            if option == "no-new-privileges" || option == "no-new-privileges:true" {
                spec.security.noNewPrivileges = true
            } else if option == "seccomp=unconfined" {
                spec.security.seccomp = .unconfined
            } else if option.hasPrefix("seccomp=") {
                let file = String(option.dropFirst(8))
                spec.security.seccomp = .profile(source: file, json: try String(contentsOfFile: file, encoding: .utf8))
            } else {
                throw ValidationError(
                    "unsupported --security-opt \(option); use seccomp=unconfined|FILE or no-new-privileges")
            }
        }
        try Self.checkExecSizes(command + spec.process.environment)
        if let memory {
            spec.resources.memoryBytes = try Self.limit("--memory", memory) { t throws(ValueError) in
                try ResourceLimits.memory(BerthModel.ByteCount(parsing: t))?.bytes
            }
        }
        spec.resources.pidsLimit = pidsLimit
        if let cpus {
            spec.resources.cpuMillis = try Self.limit("--cpus", cpus) { t throws(ValueError) in
                try ResourceLimits.cpus(CPUCount(parsing: t)).map { $0.nanoCPUs / 1_000_000 }
            }
        }
        spec.restartPolicy = try Self.restartPolicy(restart)
        for entry in sysctl {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--sysctl \(entry): expected KEY=VALUE") }
            spec.sysctls[parts[0]] = parts[1]
        }
        let runtime = Runtime(root: rootOptions.resolvedRoot(environment: ProcessInfo.processInfo.environment))
        let id = name ?? "berth-\(UUID().uuidString.prefix(12).lowercased())"
        try runtime.create(id: id, spec: spec)
        do {
            try runtime.start(id: id)
        } catch {
            // --rm covers a start that failed too: no container directory or cgroup is left.
            if rm { try? runtime.remove(id: id, force: true) }
            throw error
        }
        if detach {
            print(id)
            return
        }
        let state = try LogFollower(runtime: runtime, id: id, timestamps: false).follow()
        if rm { try runtime.remove(id: id, force: true) }
        throw ExitCode(state.exitCode ?? 0)
    }

    /// A limit flag checked as a stack's limit is; nil for 0 (no limit, as docker).
    static func limit<T>(_ flag: String, _ text: String, _ parse: (String) throws(ValueError) -> T?) throws -> T? {
        do {
            return try parse(text)
        } catch {
            throw ValidationError("\(flag) \(text): \(error.message)" + (error.hint.map { "; \($0)" } ?? ""))
        }
    }

    /// The command and environment against the kernel's execve limits, before anything is made.
    static func checkExecSizes(_ strings: [String]) throws {
        for (i, string) in strings.enumerated() {
            if let failure = ExecLimits.problem(string, what: "argument or environment entry \(i)") {
                throw ValidationError("\(failure.message); \(failure.hint ?? "")")
            }
        }
        if let failure = ExecLimits.totalProblem(strings) {
            throw ValidationError("\(failure.message); \(failure.hint ?? "")")
        }
    }

    static func restartPolicy(_ text: String) throws -> RestartPolicy {
        switch text {
        case "no": return .no
        case "always": return .always
        case "unless-stopped": return .unlessStopped
        case "on-failure": return .onFailure(maxRetries: nil)
        default:
            if text.hasPrefix("on-failure:"), let n = Int(text.dropFirst(11)) { return .onFailure(maxRetries: n) }
            throw ValidationError("invalid --restart \(text); use no, always, on-failure[:N] or unless-stopped")
        }
    }
}
