import Testing

@testable import BerthModel

/// CPU, memory and execve limits are refused where they are written, as docker refuses them,
/// so `up` never creates a container the kernel will refuse or kill at once.
struct LimitValidationTests {
    func web(_ body: String) throws -> Service {
        try #require(try topology(service(body)).service(named: "web"))
    }

    @Test func zeroCPUsAndMemoryMeanNoLimit() throws {
        let s = try web("cpus: 0\nmem_limit: 0")
        #expect(s.cpus == CPUCount(nanoCPUs: 0) && s.memoryLimit == ByteCount(bytes: 0))
        let d = try web("deploy:\n  resources:\n    limits: {cpus: '0', memory: '0'}").deploy?.limits
        #expect(d?.cpus == CPUCount(nanoCPUs: 0) && d?.memory == ByteCount(bytes: 0))
        #expect(try ResourceLimits.cpus(CPUCount(nanoCPUs: 0), hostCPUs: 2) == nil)
        #expect(try ResourceLimits.memory(ByteCount(bytes: 0)) == nil)
    }

    @Test func memoryUnderSixMegabytesIsRefused() throws {
        let d = try singleError(service("mem_limit: 1m"))
        #expect(
            d.description
                == "compose.yaml:4:16: error: services.web.mem_limit: a memory limit of 1048576 bytes is below the minimum of 6MB"
        )
        #expect(d.hint == "write at least '6m', or 0 for no limit (as docker)")
        let limits = try singleError(service("deploy:\n  resources:\n    limits:\n      memory: 5m"))
        #expect(
            limits.description
                == "compose.yaml:7:19: error: services.web.deploy.resources.limits.memory: a memory limit of 5242880 bytes is below the minimum of 6MB"
        )
        #expect(try web("mem_limit: 6m").memoryLimit == ByteCount(bytes: 6 << 20))
        // Reservations never reach the kernel: only limits are checked.
        #expect(try web("deploy:\n  resources:\n    reservations:\n      memory: 1m").deploy != nil)
    }

    @Test func negativeMemoryIsRefused() throws {
        let d = try singleError(service("mem_limit: -1"))
        #expect(d.description == "compose.yaml:4:16: error: services.web.mem_limit: '-1' is not a size")
    }

    @Test func cpusOutsideTheHostsRangeAreRefused() throws {
        let n = ResourceLimits.hostCPUs
        let message = "range of CPUs is from 0.01 to \(n).00, as there are only \(n) CPUs available"
        let tiny = try singleError(service("cpus: 0.001"))
        #expect(tiny.description == "compose.yaml:4:11: error: services.web.cpus: \(message)")
        #expect(tiny.hint == "write a number of CPUs between 0.01 and \(n), or 0 for no limit (as docker)")
        let many = try singleError(service("deploy:\n  resources:\n    limits:\n      cpus: '\(n + 1)'"))
        #expect(many.description == "compose.yaml:7:17: error: services.web.deploy.resources.limits.cpus: \(message)")
        let negative = try singleError(service("cpus: -1"))
        #expect(
            negative.description == "compose.yaml:4:11: error: services.web.cpus: the number of CPUs cannot be negative"
        )
        #expect(try web("cpus: \(n)").cpus == CPUCount(nanoCPUs: Int64(n) * 1_000_000_000))
    }

    @Test func anArgumentOverMaxArgStrlenIsRefused() throws {
        let long = String(repeating: "a", count: 131_072)
        let d = try singleError(service("command: [echo, \(long)]"))
        #expect(
            d.description
                == "compose.yaml:4:21: error: services.web.command[1]: argument 1 of 'command' is 131072 bytes; the kernel refuses an argument or environment entry over 131071 bytes (MAX_ARG_STRLEN)"
        )
        #expect(d.hint == "pass large data in a file (a volume, config or secret) instead")
        #expect(try web("command: [echo, \(String(long.dropFirst()))]").command?.count == 2)
    }

    @Test func anEnvironmentEntryOverMaxArgStrlenIsRefused() throws {
        let value = String(repeating: "v", count: 131_068)
        let d = try singleError(service("environment:\n  BIG: \(value)"))
        #expect(
            d.description
                == "compose.yaml:5:12: error: services.web.environment.BIG: environment variable 'BIG' is 131072 bytes; the kernel refuses an argument or environment entry over 131071 bytes (MAX_ARG_STRLEN)"
        )
        let list = try singleError(service("environment:\n  - BIG=\(value)"))
        #expect(list.description.hasPrefix("compose.yaml:5:9: error: services.web.environment.BIG: "))
    }

    @Test func aCommandAndEnvironmentOverTheTotalAreRefused() throws {
        let chunk = String(repeating: "x", count: 100_000)
        let entries = (0..<11).map { "  V\($0): \(chunk)" }.joined(separator: "\n")
        let d = try singleError(service("environment:\n\(entries)"))
        let total = (0..<11).reduce(0) { $0 + ExecLimits.cost("V\($1)=\(chunk)") }
        #expect(
            d.description
                == "compose.yaml:4:5: error: services.web: the command and environment take \(total) bytes; berth allows 1048576 (half the kernel's 2 MiB default, leaving room for the image's environment)"
        )
    }
}
