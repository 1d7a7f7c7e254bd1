import Testing

@testable import BerthModel

/// Pure value parsers, valid and invalid, with the exact message users see.
struct ValueTableTests {
    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"), ("::1", "::1"), ("fd00:0:0:0:0:0:0:1", "fd00::1"), ("::", "::"),
        ("2001:db8::1:0:0:1", "2001:db8::1:0:0:1"), ("::ffff:10.0.0.1", "::ffff:a00:1"), ("fe80::", "fe80::"),
    ])
    func addressesParseAndPrintCanonically(text: String, printed: String) throws {
        #expect(try #require(IPAddress(text)).description == printed)
    }

    @Test(arguments: ["10.0.0", "10.0.0.256", "010.0.0.1", "1::2::3", "12345::", "::g", "", "1.2.3.4.5", ":::"])
    func malformedAddressesAreRejected(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(
        arguments: [
            ("10.0.0.0/8", nil), ("fd00::/64", nil), ("10.0.0.0", "'10.0.0.0' is not a subnet"),
            ("10.0.0.0/40", "prefix length /40 is out of range for IPv4"),
            ("10.0.0.5/24", "'10.0.0.5/24' has host bits set"),
            ("fd00::/129", "prefix length /129 is out of range for IPv6"),
        ] as [(String, String?)])
    func subnets(text: String, message: String?) {
        do {
            _ = try CIDR(parsing: text)
            #expect(message == nil)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func subnetContainmentAndOverlap() throws {
        let a = try CIDR(parsing: "10.1.0.0/16"), b = try CIDR(parsing: "10.1.128.0/17"),
            c = try CIDR(parsing: "10.2.0.0/16")
        #expect(a.overlaps(b) && !a.overlaps(c))
        #expect(try a.contains(#require(IPAddress("10.1.255.255"))) && !a.contains(#require(IPAddress("10.2.0.0"))))
    }

    @Test(arguments: [
        ("echo hi", ["echo", "hi"]), ("  a   b  ", ["a", "b"]), ("sh -c 'a b'", ["sh", "-c", "a b"]),
        ("\"a \\\"b\\\"\"", ["a \"b\""]), ("a\\ b", ["a b"]), ("''", [""]), ("x=\"1 2\"y", ["x=1 2y"]),
        ("'a\\b'", ["a\\b"]),
    ])
    func shellSplitting(text: String, words: [String]) throws {
        #expect(try ShellSplit.split(text) == words)
    }

    @Test(arguments: [
        ("host", NamespaceMode.Kind.network, "host"), ("none", .network, "none"),
        ("service:db", .network, "service:db"),
        ("container:abc", .pid, "container:abc"), ("private", .ipc, "private"), ("shareable", .ipc, "shareable"),
    ])
    func namespaceModes(text: String, kind: NamespaceMode.Kind, printed: String) throws {
        #expect(try NamespaceMode(parsing: text, kind: kind).description == printed)
    }

    @Test(arguments: [
        ("service:", NamespaceMode.Kind.network, "'service:' needs a name after ':'"),
        ("private", .network, "'private' is not a valid network_mode"), ("none", .pid, "'none' is not a valid pid"),
    ])
    func invalidNamespaceModes(text: String, kind: NamespaceMode.Kind, message: String) {
        do {
            _ = try NamespaceMode(parsing: text, kind: kind)
            Issue.record("'\(text)' should be rejected")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test(arguments: [
        ("always", PullPolicy.always), ("missing", .missing), ("if_not_present", .missing), ("never", .never),
    ])
    func pullPolicies(text: String, policy: PullPolicy) throws {
        #expect(try PullPolicy(parsing: text) == policy)
    }

    @Test func pullPolicyTypo() {
        do {
            _ = try PullPolicy(parsing: "allways")
            Issue.record("should be rejected")
        } catch {
            #expect(error.message == "unknown pull_policy 'allways'" && error.hint == "did you mean 'always'?")
        }
    }

    @Test(arguments: [("NET_ADMIN", "NET_ADMIN"), ("cap_chown", "CHOWN"), ("all", "ALL"), ("CAP_BPF", "BPF")])
    func capabilityNames(text: String, name: String) throws {
        #expect(try Capability(parsing: text).name == name)
    }

    @Test(arguments: ["NET_ADMINS", "CAP_", "", "SYS_ADMIN "])
    func unknownCapabilities(text: String) {
        #expect(throws: ValueError.self) { try Capability(parsing: text) }
    }

    @Test(arguments: [
        ("web", true), ("web_1.a-b", true), ("_private", true), ("Web", true), ("", false), ("a b", false),
        ("ü", false),
    ])
    func serviceNames(text: String, valid: Bool) {
        #expect(((try? ServiceName(parsing: text)) != nil) == valid)
    }

    @Test(arguments: [("shop", true), ("my-app_2", true), ("Shop", false), ("-x", false), ("a.b", false)])
    func projectNames(text: String, valid: Bool) {
        #expect(((try? ProjectName(parsing: text)) != nil) == valid)
    }

    @Test(arguments: [
        ("on-failure", RestartPolicy.onFailure(maximumRetries: nil)), ("on-failure:5", .onFailure(maximumRetries: 5)),
        ("no", .no), ("always", .always),
    ])
    func restartPolicies(text: String, policy: RestartPolicy) throws {
        #expect(try RestartPolicy(parsing: text) == policy)
        #expect(try RestartPolicy(parsing: policy.description) == policy)
    }

    @Test func restartRetryCountMustBeANumber() {
        do {
            _ = try RestartPolicy(parsing: "on-failure:x")
            Issue.record("should be rejected")
        } catch {
            #expect(error.message == "'on-failure:x' has an invalid retry count")
        }
    }

    @Test(arguments: [
        ("no-new-privileges", SecurityOption.noNewPrivileges(true)),
        ("no-new-privileges=false", .noNewPrivileges(false)),
        ("seccomp:unconfined", .seccompUnconfined), ("seccomp=/etc/p.json", .seccompProfile("/etc/p.json")),
    ])
    func securityOptionForms(text: String, option: SecurityOption) throws {
        #expect(try SecurityOption(parsing: text, projectDirectory: "/proj") == option)
    }

    @Test func fileModesAreOctal() throws {
        let t = try topology(
            service(
                "configs:\n  - {source: c, mode: 0440}\n  - {source: c, target: /b, mode: \"0o600\"}\n  - {source: c, target: /d, mode: 288}"
            )
                + "configs:\n  c:\n    content: x\n")
        #expect(t.service(named: "web")?.configs.map(\.mode) == [0o440, 0o600, 288])
        let d = try singleError(
            service("configs:\n  - {source: c, mode: 0999}") + "configs:\n  c:\n    content: x\n")
        #expect(d.summary == "'0999' is not a file mode")
    }
}
