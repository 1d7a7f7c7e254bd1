/// Container names, compose style: `<project>-<service>-<replica>` unless `container_name`
/// fixes it.
enum ContainerNaming {
    static func canonical(project: String, service: DesiredService, replica: Int) -> String {
        service.containerName ?? "\(project)-\(service.name)-\(replica)"
    }

    /// The name for a start-first replacement, which must differ from the container it
    /// replaces while both run. Alternates between the canonical name and `<canonical>-next`,
    /// so names never grow and the next update returns to the canonical one.
    static func sideBySide(previous: String, canonical: String) -> String {
        previous == canonical ? canonical + "-next" : canonical
    }
}
