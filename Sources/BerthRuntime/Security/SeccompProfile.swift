/// A seccomp profile in docker's JSON format (the subset of fields that decide behaviour).
public struct SeccompProfile: Codable, Sendable, Equatable {
    public var defaultAction: String
    public var defaultErrnoRet: UInt32?
    public var syscalls: [Rule]?

    public struct Rule: Codable, Sendable, Equatable {
        public var names: [String]?
        /// Old single-name form.
        public var name: String?
        public var action: String
        public var errnoRet: UInt32?
        public var args: [Argument]?
        public var includes: Filter?
        public var excludes: Filter?

        init(
            _ names: [String], _ action: String = "SCMP_ACT_ALLOW", args: [Argument]? = nil,
            includes: Filter? = nil, excludes: Filter? = nil, errnoRet: UInt32? = nil
        ) {
            self.names = names
            self.action = action
            self.args = args
            self.includes = includes
            self.excludes = excludes
            self.errnoRet = errnoRet
        }
    }

    public struct Argument: Codable, Sendable, Equatable {
        public var index: UInt32
        public var value: UInt64
        public var valueTwo: UInt64?
        public var op: String
    }

    /// A rule applies when all `includes` hold and no `excludes` matches.
    public struct Filter: Codable, Sendable, Equatable {
        public var caps: [String]?
        public var arches: [String]?
        public var minKernel: String?

        init(caps: [String]? = nil, arches: [String]? = nil, minKernel: String? = nil) {
            self.caps = caps
            self.arches = arches
            self.minKernel = minKernel
        }
    }

    /// Parses docker's format; `source` names the file in errors.
    public static func parse(json: String, source: String) throws(RuntimeError) -> SeccompProfile {
        let profile: SeccompProfile
        do {
            profile = try JSONCoding.decode(SeccompProfile.self, from: Array(json.utf8))
        } catch {
            throw .seccomp("\(source): not a seccomp profile in docker's JSON format: \(error)")
        }
        try profile.validate(source: source)
        return profile
    }

    func validate(source: String) throws(RuntimeError) {
        _ = try SeccompProfile.action(defaultAction, errno: defaultErrnoRet, source: source)
        for rule in syscalls ?? [] {
            _ = try SeccompProfile.action(rule.action, errno: rule.errnoRet, source: source)
            for arg in rule.args ?? [] where SeccompProfile.comparison(arg.op) == nil || arg.index > 5 {
                throw .seccomp("\(source): unsupported argument filter op \"\(arg.op)\" index \(arg.index)")
            }
        }
    }

    /// libseccomp action values (seccomp.h's SCMP_ACT_* macros are not importable).
    static func action(_ name: String, errno: UInt32?, source: String) throws(RuntimeError) -> UInt32 {
        switch name {
        case "SCMP_ACT_ALLOW": return 0x7fff_0000
        case "SCMP_ACT_ERRNO": return 0x0005_0000 | ((errno ?? 1) & 0xffff)
        case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD": return 0
        case "SCMP_ACT_KILL_PROCESS": return 0x8000_0000
        case "SCMP_ACT_TRAP": return 0x0003_0000
        case "SCMP_ACT_LOG": return 0x7ffc_0000
        case "SCMP_ACT_TRACE": return 0x7ff0_0000 | ((errno ?? 0) & 0xffff)
        default:
            throw .seccomp(
                "\(source): unsupported action \"\(name)\" (supported: SCMP_ACT_ALLOW, ERRNO, KILL, KILL_PROCESS, TRAP, LOG, TRACE)"
            )
        }
    }

    /// libseccomp's scmp_compare values.
    static func comparison(_ op: String) -> UInt32? {
        [
            "SCMP_CMP_NE": 1, "SCMP_CMP_LT": 2, "SCMP_CMP_LE": 3, "SCMP_CMP_EQ": 4, "SCMP_CMP_GE": 5,
            "SCMP_CMP_GT": 6, "SCMP_CMP_MASKED_EQ": 7,
        ][op]
    }
}
