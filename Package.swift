// swift-tools-version: 6.0
//
// berth: compose-style stacks on Linux with its own container runtime.
//
// Dependencies, and why each one is worth its build time:
// - libyaml (Debian's libyaml-dev, through the CYAML system library), read event by event
//   rather than through a wrapper such as Yams: berth gets the position of every node,
//   aliases included, memoises each anchor's expanded size so alias bombs are refused in
//   milliseconds, and builds its own `Node` tree with no intermediate tree to copy.
//   A hand-written YAML parser would be a project of its own.
// - swift-argument-parser: compose-compatible flags, help and usage errors for a large CLI.
// - libcrypto (Debian's libssl-dev, through the CCrypto system library) for SHA-256 of image
//   blobs and layers only: it uses the CPU's SHA extensions (~1.5 GB/s here against ~130 MB/s
//   for portable Swift), and hashing was over 90 % of `berth image load`. The supervisor keeps
//   BerthEncoding's portable SHA-256 for its few small inputs.
// - libcurl for registry pulls, loaded with dlopen by the CBerthCurl shim on the first request
//   (headers from Debian's libcurl4-openssl-dev): linked in (directly or through
//   FoundationNetworking) its ~30 shared objects cost every command ~10 ms at start.
// - libnftables (Debian's libnftables-dev, through the CNftables system library), the library
//   behind `nft` and firewalld: berth hands it nft-syntax command buffers, each applied as one
//   kernel transaction, and reads listings back as JSON. Speaking nf_tables netlink directly
//   (libnftnl-style expression encoding for every match, set and verdict) would be a large
//   second implementation of what libnftables already does; shelling out to nft is not allowed.
// Nothing NIO-based: the embedded servers use plain sockets, so a clean build stays around a
// minute on 2 cores.
import PackageDescription

let package = Package(
    name: "berth",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "berth", targets: ["berth"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // C shims: only what Swift cannot reach directly.
        .target(name: "CBerthShims"),
        .target(name: "CBerthCurl"),
        .systemLibrary(name: "CSeccomp", providers: [.apt(["libseccomp-dev"])]),
        .systemLibrary(name: "CCap", providers: [.apt(["libcap-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CYAML", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CNftables", providers: [.apt(["libnftables-dev"])]),

        // Pipeline stages, dependencies pointing one way.
        .target(name: "BerthDiagnostics"),
        // Foundation-free encodings shared by the pure stages and the supervisor: SHA-256, JSON.
        .target(name: "BerthEncoding"),
        .target(
            name: "BerthStackFile",
            dependencies: ["BerthDiagnostics", "CYAML"]
        ),
        .target(name: "BerthModel", dependencies: ["BerthDiagnostics", "BerthStackFile", "BerthEncoding"]),
        .target(name: "BerthPlan", dependencies: ["BerthModel", "BerthEncoding"]),
        .target(name: "BerthEngine", dependencies: ["BerthPlan", "BerthModel", "BerthEncoding"]),

        // Linux side: syscalls, images, runtime.
        .target(name: "BerthSystem", dependencies: ["CBerthShims"]),
        .target(
            name: "BerthImage",
            dependencies: ["BerthSystem", "BerthEncoding", "CZlib", "CZstd", "CCrypto", "CBerthCurl"]),
        .target(
            name: "BerthRuntime",
            dependencies: ["BerthSystem", "BerthEncoding", "CSeccomp", "CCap"]
        ),
        .target(name: "BerthNetwork", dependencies: ["BerthSystem"]),
        .target(name: "BerthState", dependencies: ["BerthSystem", "BerthEncoding"]),
        // berth's own nf_tables rules (forwarding beside the host's firewall, egress NAT).
        .target(name: "BerthFirewall", dependencies: ["BerthEncoding", "BerthSystem", "CNftables"]),
        // Binds the pure stages to the Linux side: compose service → container spec, the real
        // RuntimeDriver, and the per-project DNS / port-proxy daemon.
        .target(
            name: "BerthDriver",
            dependencies: [
                "BerthModel", "BerthPlan", "BerthEngine", "BerthImage", "BerthRuntime", "BerthNetwork", "BerthState",
                "BerthSystem", "BerthFirewall",
            ]
        ),

        // The application layer: every command's sequence (lock → images → observe → plan →
        // preflight → apply → daemon sync) and the facades the CLI's other commands use, so
        // the CLI is argument parsing plus views.
        .target(
            name: "BerthSession",
            dependencies: [
                "BerthDiagnostics", "BerthModel", "BerthPlan", "BerthEngine", "BerthEncoding", "BerthImage",
                "BerthRuntime", "BerthNetwork", "BerthState", "BerthDriver", "BerthSystem",
            ]
        ),
        .target(
            name: "BerthCLI",
            dependencies: [
                "BerthDiagnostics", "BerthStackFile", "BerthModel", "BerthSession",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Swift runtime and Foundation linked statically: no dynamic loading and symbol binding
        // of ~20 shared Swift/ICU libraries on every command. Compiling this one target with the
        // flag too makes its object name the static libraries' own dependencies (CoreFoundation,
        // ICU) for the linker; the library targets stay as they are, so test bundles still link
        // the shared runtime once.
        .executableTarget(
            name: "berth", dependencies: ["BerthCLI"],
            swiftSettings: [.unsafeFlags(["-static-stdlib"])],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),
        // Per-container supervisor + exec helper: single-threaded, no Foundation, small RSS.
        // Static Swift stdlib: no ~6 MB of mapped shared Swift libraries (idle RSS ~3.5 MB).
        .executableTarget(
            name: "berth-supervisor", dependencies: ["BerthRuntime"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),

        // In-memory stand-ins for the machine, linked by test targets only.
        .target(name: "BerthTestSupport", dependencies: ["BerthEngine", "BerthPlan"]),

        .testTarget(name: "BerthDiagnosticsTests", dependencies: ["BerthDiagnostics"]),
        .testTarget(name: "BerthEncodingTests", dependencies: ["BerthEncoding"]),
        .testTarget(name: "BerthStackFileTests", dependencies: ["BerthStackFile"]),
        .testTarget(name: "BerthModelTests", dependencies: ["BerthModel", "BerthStackFile"]),
        .testTarget(name: "BerthPlanTests", dependencies: ["BerthPlan"]),
        .testTarget(name: "BerthEngineTests", dependencies: ["BerthEngine", "BerthPlan", "BerthTestSupport"]),
        .testTarget(
            name: "BerthSessionTests",
            dependencies: [
                "BerthSession", "BerthModel", "BerthStackFile", "BerthPlan", "BerthEngine", "BerthTestSupport",
            ]),
        .testTarget(name: "BerthImageTests", dependencies: ["BerthImage", "BerthEncoding"]),
        .testTarget(name: "BerthRuntimeTests", dependencies: ["BerthRuntime"]),
        .testTarget(name: "BerthNetworkTests", dependencies: ["BerthNetwork"]),
        .testTarget(name: "BerthStateTests", dependencies: ["BerthState"]),
        .testTarget(name: "BerthFirewallTests", dependencies: ["BerthFirewall", "BerthSystem"]),
        .testTarget(
            name: "BerthDriverTests",
            dependencies: ["BerthDriver", "BerthModel", "BerthStackFile", "BerthImage", "BerthRuntime"]),
        .testTarget(
            name: "BerthCLITests",
            dependencies: ["BerthCLI", "BerthEngine", "BerthPlan", "BerthNetwork", "BerthSystem", "BerthFirewall"]),
        // Not shipped: throughput/latency numbers for the port proxy and the DNS server.
        .executableTarget(name: "berth-network-bench", dependencies: ["BerthNetwork"], path: "bench/NetworkBench"),
    ]
)
