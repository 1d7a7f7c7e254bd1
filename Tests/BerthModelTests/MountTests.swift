import Testing

@testable import BerthModel

struct MountTests {
    func mounts(_ body: String, environment: [String: String] = [:]) throws -> [Mount] {
        try #require(
            try topology(service(body) + "volumes:\n  data:\n", environment: environment).service(named: "web")?.volumes
        )
    }

    @Test func namedVolumeShortFormWithModes() throws {
        let m = try mounts("volumes: [\"data:/var/lib/data:ro,nocopy\"]\n")
        #expect(m[0].kind == .volume && m[0].source == "data" && m[0].readOnly && m[0].noCopy)
    }

    @Test(arguments: [
        ("./html:/srv", "/proj/html"), ("../shared:/srv", "/shared"), ("/etc/hosts:/srv", "/etc/hosts"),
        ("~/conf:/srv", "/home/u/conf"),
    ])
    func bindSourcesBecomeAbsolute(spec: String, source: String) throws {
        let m = try mounts("volumes: [\"\(spec)\"]", environment: ["HOME": "/home/u"])
        #expect(m[0].kind == .bind && m[0].source == source && m[0].createHostPath)
    }

    @Test func anonymousVolume() throws {
        let m = try mounts("volumes: [/cache]")
        #expect(m[0].kind == .volume && m[0].source == nil && m[0].target == "/cache")
    }

    @Test func bindWithSELinuxAndPropagation() throws {
        let m = try mounts("volumes: [\"./a:/a:z,rshared\"]")
        #expect(m[0].selinux == .shared && m[0].propagation == .rshared)
    }

    @Test func longFormOptions() throws {
        let m = try mounts(
            """
            volumes:
              - type: bind
                source: ./conf
                target: /etc/app
                read_only: true
                bind: {propagation: rprivate, create_host_path: false, selinux: Z}
              - type: volume
                source: data
                target: /data
                volume: {nocopy: true, subpath: sub/dir}
              - type: tmpfs
                target: /tmp
                tmpfs: {size: 64m, mode: 01777}
            """)
        #expect(
            m[0].source == "/proj/conf" && m[0].readOnly && m[0].propagation == .rprivate && m[0].selinux == .private)
        #expect(m[1].subpath == "sub/dir" && m[1].noCopy)
        #expect(m[2].tmpfsSize == ByteCount(bytes: 67_108_864) && m[2].tmpfsMode == 0o1777)
    }

    @Test(arguments: [
        (
            "[\"data\"]",
            "compose.yaml:4:15: error: services.web.volumes[0]: mount target 'data' is not an absolute path"
        ),
        ("[\"a:/b:rx\"]", "compose.yaml:4:15: error: services.web.volumes[0]: unknown mount option 'rx' in 'a:/b:rx'"),
        ("[\"a:/b:z\"]", "compose.yaml:4:15: error: services.web.volumes[0]: 'z' applies only to bind mounts"),
        (
            "[{type: npipe, source: x, target: /x}]",
            "compose.yaml:4:22: error: services.web.volumes[0].type: berth does not support mount type 'npipe'"
        ),
        (
            "[{type: image, source: x, target: /x}]",
            "compose.yaml:4:22: error: services.web.volumes[0].type: berth does not support mount type 'image'"
        ),
        (
            "[{type: bind, target: /x}]",
            "compose.yaml:4:15: error: services.web.volumes[0]: a bind mount needs a 'source'"
        ),
        (
            "[{type: volume, source: v, target: /x, bind: {selinux: z}}]",
            "compose.yaml:4:53: error: services.web.volumes[0].bind: 'bind' options do not apply to a volume mount"
        ),
        (
            "[\"a:/b:cached\"]",
            "compose.yaml:4:15: error: services.web.volumes[0]: berth does not support mount consistency 'cached'"
        ),
    ])
    func invalidMounts(spec: String, message: String) throws {
        let errs = try errors(service("volumes: \(spec)\n") + "volumes:\n  a:\n  v:\n")
        #expect(errs == [message])
    }

    @Test func tmpfsEntriesAreValidated() throws {
        let t = try topology(service("tmpfs: [\"/run:size=64m,mode=1777,noexec\", /tmp]"))
        #expect(t.service(named: "web")?.tmpfs.map(\.target) == ["/run", "/tmp"])
        let d = try singleError(service("tmpfs: /run:sizee=1m"))
        #expect(d.description == "compose.yaml:4:12: error: services.web.tmpfs: unknown tmpfs option 'sizee=1m'")
        #expect(d.hint == "did you mean 'size'?")
    }

    @Test func canonicalVolumesAreLongForm() throws {
        let t = try topology(service("volumes: [\"./html:/srv:ro\"]"))
        #expect(
            t.canonicalYAML().contains(
                """
                    volumes:
                      - bind:
                          create_host_path: true
                        read_only: true
                        source: /proj/html
                        target: /srv
                        type: bind

                """))
    }
}
