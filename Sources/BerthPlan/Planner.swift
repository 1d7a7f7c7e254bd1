/// Turns desired and observed state into a plan. Pure and deterministic: no I/O, no clock,
/// and the same inputs (in any order) give the same plan, so plans can be shown, diffed and
/// tested before anything is touched.
public enum Planner {
    /// The plan for `up`.
    public static func plan(desired: DesiredState, observed: ObservedState, options: PlanOptions) -> Plan {
        var planner = UpPlanner(desired: desired, observed: observed, options: options)
        return planner.build()
    }

    /// The plan for `down`: containers in reverse dependency order, then networks, then (with
    /// `removeVolumes`) volumes that are not external. With `desired`, containers of services
    /// no longer configured stay unless `removeOrphans`; without it (no stack file at hand)
    /// everything observed goes, ordered by the dependencies recorded on the containers.
    public static func planDown(
        project: String, observed: ObservedState, desired: DesiredState? = nil, options: PlanOptions
    ) -> Plan {
        DownPlanner(project: project, observed: observed, desired: desired, options: options).build()
    }
}
