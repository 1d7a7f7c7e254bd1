/// Orders names so every node comes after what it depends on. A node's depth is the length
/// of its longest dependency chain; sorting by (depth, name) is a valid topological order
/// that groups what can run in parallel and is the same for the same input, whatever order
/// the input came in. Linear in nodes + edges (plus the sort); no recursion, so chains of
/// thousands of services are fine.
struct DependencyGraph {
    private(set) var depth: [String: Int] = [:]
    /// Dependency cycles found, each rotated to start at its smallest name. Back edges are
    /// ignored for ordering so a plan can still be shown.
    private(set) var cycles: [[String]] = []
    /// Dependencies first.
    private(set) var order: [String] = []

    /// `dependencies` may mention names that are not nodes; those edges are ignored.
    init(nodes: [String], dependencies: (String) -> [String]) {
        let names = Array(Set(nodes)).sorted()
        var index: [String: Int] = [:]
        index.reserveCapacity(names.count)
        for (i, name) in names.enumerated() { index[name] = i }
        let edges: [[Int]] = names.map { name in dependencies(name).compactMap { index[$0] } }

        var depths = [Int](repeating: 0, count: names.count)
        var state = [UInt8](repeating: 0, count: names.count)  // 0 new, 1 on stack, 2 done
        var foundCycles = Set<[String]>()
        for root in 0..<names.count where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                let node = top.node
                if top.next < edges[node].count {
                    stack[stack.count - 1].next += 1
                    let dep = edges[node][top.next]
                    switch state[dep] {
                    case 0:
                        state[dep] = 1
                        stack.append((dep, 0))
                    case 1:
                        if let start = stack.lastIndex(where: { $0.node == dep }) {
                            foundCycles.insert(Self.rotated(stack[start...].map { names[$0.node] }))
                        }
                    default:
                        break
                    }
                } else {
                    var d = 0
                    for dep in edges[node] where state[dep] == 2 { d = max(d, depths[dep] + 1) }
                    depths[node] = d
                    state[node] = 2
                    stack.removeLast()
                }
            }
        }
        for (i, name) in names.enumerated() { depth[name] = depths[i] }
        cycles = foundCycles.sorted { $0.joined(separator: "\u{0}") < $1.joined(separator: "\u{0}") }
        order = names.indices.sorted { (depths[$0], names[$0]) < (depths[$1], names[$1]) }.map { names[$0] }
    }

    /// Dependents first: the order to stop and remove in.
    var reverseOrder: [String] {
        order.sorted { lhs, rhs in
            let l = depth[lhs] ?? 0, r = depth[rhs] ?? 0
            return l != r ? l > r : lhs < rhs
        }
    }

    private static func rotated(_ cycle: [String]) -> [String] {
        guard let smallest = cycle.indices.min(by: { cycle[$0] < cycle[$1] }) else { return cycle }
        return Array(cycle[smallest...] + cycle[..<smallest])
    }
}
