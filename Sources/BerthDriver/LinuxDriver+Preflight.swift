extension LinuxDriver {
    /// Fails before anything is created when a service uses a key berth cannot run yet, so
    /// `up` never stops halfway on something it could have refused at the start.
    public func checkServicesSupported() throws {
        guard let topology else { return }
        for service in topology.services {
            guard let reference = service.image, let image = images[reference] else { continue }
            let builder = ServiceSpecBuilder(
                service: service, image: image, project: project, replica: 1,
                containerName: service.containerName ?? "\(project)-\(service.name.rawValue)-1", endpoints: [],
                volumePaths: [:], anonymousVolumeDirectory: "", networkNamespacePath: nil)
            try builder.rejectUnsupported()
        }
    }
}
