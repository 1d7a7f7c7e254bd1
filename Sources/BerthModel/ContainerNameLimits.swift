import BerthDiagnostics

/// The limits a service's container names flow into, checked when the stack is read so that
/// `up` never creates half a project and then fails in the kernel. A container is named
/// `PROJECT-SERVICE-N` (or its `container_name`), and `PROJECT-SERVICE-N-next` while a
/// start-first rollout replaces it.
enum ContainerNameLimits {
    /// sethostname(2) takes at most HOST_NAME_MAX (64) bytes; without `hostname:` the
    /// container's hostname is its container name.
    static let hostname = 64
    /// The runtime's limit on a container id (BerthRuntime's `Runtime.validate(id:)`), which
    /// also keeps `berth-NAME` (its network namespace file) within a file name's 255 bytes.
    static let runtimeID = 128
    /// The suffix of a start-first replacement (BerthPlan's ContainerNaming).
    static let rolloutSuffix = "-next"

    static func check(_ services: [Service], project: String, sites: [String: ServiceSite], _ ctx: ParseContext) {
        for s in services {
            let site = sites[s.name.rawValue]
            let path = KeyPath(keys: "services", s.name.rawValue)
            let longest = (s.containerName ?? "\(project)-\(s.name.rawValue)-\(s.replicas)") + rolloutSuffix
            let limit = s.hostname == nil ? hostname : runtimeID
            guard longest.utf8.count > limit else { continue }
            let why =
                s.hostname == nil
                ? "it is also the container's hostname, which has at most \(hostname) bytes"
                : "berth's runtime allows container ids of at most \(runtimeID) bytes"
            let hint =
                s.hostname == nil
                ? "shorten the service or project name, or set 'container_name' or 'hostname'"
                : "shorten the service or project name, or set a shorter 'container_name'"
            if let location = site?.containerName {
                ctx.error(
                    "name-too-long",
                    "container name '\(longest)' of service '\(s.name)' has \(longest.utf8.count) bytes; \(why)",
                    at: location, path.appending("container_name"), hint: hint)
            } else {
                ctx.error(
                    "name-too-long",
                    "container name '\(longest.prefix(60))…' of service '\(s.name.rawValue.prefix(40))…' has "
                        + "\(longest.utf8.count) bytes; \(why)",
                    at: site?.nameLocation, path, hint: hint)
            }
        }
    }
}
