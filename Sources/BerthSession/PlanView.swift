import BerthPlan

/// A plan as the session returns it (`up --dry-run`, `plan`, and every applied command).
public typealias StackPlan = Plan

/// The plan's renderings, for the CLI's views: terraform-style text and one JSON line.
public enum PlanView {
    public static func human(_ plan: Plan, colors: Bool = false) -> String {
        PlanRenderer.human(plan, colors: colors)
    }

    public static func json(_ plan: Plan) -> String {
        PlanRenderer.json(plan)
    }
}
