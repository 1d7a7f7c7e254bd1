import BerthPlan

/// The plan's actions as the engine runs them. Most actions are one node. Replacing a
/// network or volume is split into remove and create, and recreating a service attached to
/// it into teardown and bring-up, so the old containers are gone before the network goes
/// and the new ones come after it is back.
struct ExecutionGraph {
    enum Part: Hashable, Sendable {
        case whole
        case teardown
        case bringUp
    }

    struct Node: Hashable, Sendable {
        var action: Int
        var part: Part
        /// Node indices that must finish first, with whether a failure there blocks this
        /// node (`required`) or only warns (`depends_on` with `required: false`).
        var prerequisites: [Int: Bool]
    }

    private(set) var nodes: [Node] = []

    init(plan: Plan) {
        let actions = plan.actions
        let splitsResource = actions.map { action in
            action.change == .recreate && action.resource.kind != .service
        }
        let splitsService = actions.map { action in
            action.resource.kind == .service && action.change == .recreate
                && action.after.contains { splitsResource[$0] }
        }
        var first: [Int] = []
        var last: [Int] = []
        for index in actions.indices {
            first.append(nodes.count)
            if splitsResource[index] || splitsService[index] {
                nodes.append(Node(action: index, part: .teardown, prerequisites: [:]))
                nodes.append(Node(action: index, part: .bringUp, prerequisites: [nodes.count - 1: true]))
            } else {
                nodes.append(Node(action: index, part: .whole, prerequisites: [:]))
            }
            last.append(nodes.count - 1)
        }
        for (index, action) in actions.enumerated() {
            let optional = Self.optionalDependencies(of: action, in: plan)
            for upstream in action.after where upstream < actions.count {
                let blocking = !optional.contains(actions[upstream].resource)
                if splitsService[index] && actions[upstream].resource == action.resource {
                    nodes[first[index]].prerequisites[last[upstream]] = true
                } else if splitsService[index] && splitsService[upstream] {
                    // Tear down dependents before what they depend on, as `down` does.
                    nodes[first[upstream]].prerequisites[first[index]] = true
                }
                nodes[last[index]].prerequisites[last[upstream]] = blocking
            }
        }
        // A replaced network or volume is removed only once nothing holds it: after every
        // teardown and every container removal.
        for (index, split) in splitsResource.enumerated() where split {
            for (other, action) in actions.enumerated() {
                if splitsService[other] {
                    nodes[first[index]].prerequisites[first[other]] = true
                } else if action.change == .scaleDown || (action.change == .remove && action.resource.kind == .service)
                {
                    nodes[first[index]].prerequisites[last[other]] = true
                }
            }
        }
    }

    /// Dependencies declared `required: false`: their failure does not stop this service.
    private static func optionalDependencies(of action: Action, in plan: Plan) -> Set<Resource> {
        guard action.resource.kind == .service, let target = plan.targets[action.resource.name] else { return [] }
        return Set(target.service.dependsOn.filter { !$0.required }.map { Resource.service($0.service) })
    }
}
