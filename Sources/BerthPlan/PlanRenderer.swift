/// Plans as people and scripts read them. Pure string rendering: the CLI decides where it goes.
public enum PlanRenderer {
    /// Terraform-like text: drift first (so surprises are not buried), then one line per
    /// resource that changes with its reasons beneath, then the summary line.
    public static func human(_ plan: Plan, colors: Bool = false) -> String {
        let paint = Painter(enabled: colors)
        var out = ""
        if !plan.problems.isEmpty {
            for problem in plan.problems { out += paint("error", "31;1") + ": \(problem)\n" }
            out += "\n"
        }
        if !plan.drift.isEmpty || plan.networkDaemonDown != nil {
            out += paint("Changed outside berth:", "33;1") + "\n"
            for item in plan.drift { out += "  " + paint("!", "33") + " " + describe(item) + "\n" }
            if let log = plan.networkDaemonDown {
                out += "  " + paint("!", "33") + " " + networkDaemonDown(log: log) + "\n"
            }
            out += "\n"
        }
        let changes = plan.actions.filter { $0.change != .noop }
        for action in changes {
            let (symbol, color) = marker(action.change)
            let padded = String(repeating: " ", count: 3 - symbol.count) + symbol
            out += "  " + paint(padded, color) + " " + paint(action.resource.description, "1")
            let detail = headline(action)
            out += detail.isEmpty ? "\n" : ": \(detail)\n"
            for reason in action.reasons {
                guard let text = describe(reason) else { continue }
                out += "        " + text + "\n"
            }
        }
        if !changes.isEmpty { out += "\n" }
        if !plan.orphans.isEmpty {
            out +=
                "Orphan containers (their service is not in the configuration): "
                + plan.orphans.joined(separator: ", ") + ". Run with --remove-orphans to remove them.\n\n"
        }
        out += summaryLine(plan) + "\n"
        return out
    }

    /// The last line of `human`.
    public static func summaryLine(_ plan: Plan) -> String {
        guard plan.hasChanges else { return "No changes. Your stack matches the configuration." }
        let s = plan.summary
        var parts = ["\(s.create) to create", "\(s.recreate) to recreate"]
        if s.start > 0 { parts.append("\(s.start) to start") }
        if s.restart > 0 { parts.append("\(s.restart) to restart") }
        if s.scale > 0 { parts.append("\(s.scale) to scale") }
        if s.stop > 0 { parts.append("\(s.stop) to stop") }
        if s.kill > 0 { parts.append("\(s.kill) to kill") }
        parts.append("\(s.remove) to remove")
        parts.append("\(s.unchanged) unchanged")
        return "Plan: " + parts.joined(separator: ", ") + "."
    }

    private static func marker(_ change: Change) -> (String, String) {
        switch change {
        case .create: return ("+", "32")
        case .recreate: return ("-/+", "35")
        case .start, .restart, .scaleUp, .scaleDown, .noop, .stop, .kill, .wait: return ("~", "33")
        case .remove: return ("-", "31")
        }
    }

    private static func headline(_ action: Action) -> String {
        let names = action.replicas.map { replica -> String in
            if let previous = replica.previous, previous != replica.container {
                return "\(previous) → \(replica.container)"
            }
            return replica.container
        }.joined(separator: ", ")
        let scale = action.reasons.lazy.compactMap { reason -> String? in
            if case .scaled(let from, let to) = reason { return "scale \(from) → \(to)" }
            return nil
        }.first
        switch action.change {
        case .create: return names.isEmpty ? "" : "create \(names)"
        case .recreate:
            if names.isEmpty { return "" }
            return "recreate \(names)" + (action.updateOrder == .startFirst ? " (start-first)" : "")
        case .start: return "start \(names)"
        case .restart: return "restart \(names)"
        case .scaleUp: return (scale.map { $0 + ", " } ?? "") + "create \(names)"
        case .scaleDown: return (scale.map { $0 + ", " } ?? "") + "remove \(names)"
        case .remove: return names.isEmpty ? "" : "remove \(names)"
        case .noop: return ""
        case .stop: return "stop \(names)"
        case .kill: return "kill \(names)"
        case .wait: return "wait for \(names)"
        }
    }

    static func describe(_ reason: Reason) -> String? {
        switch reason {
        case .changed(let path, let from, let to): return "\(path): \(quote(from)) → \(quote(to))"
        case .added(let path, let value): return "+ \(path): \(quote(value))"
        case .removed(let path, let value): return "- \(path): \(quote(value))"
        case .contentChanged(let what): return "\(what): content changed"
        case .imageDigestChanged(let tag): return "image \(tag): the tag now points at a different image"
        case .networkRecreated(let name): return "network \(name) is recreated"
        case .volumeRecreated(let name): return "volume \(name) is recreated"
        case .dependencyRecreated(let name): return "dependency \(name) is recreated (depends_on restart: true)"
        case .forced: return "forced by --force-recreate"
        case .drift(let item): return describe(item)
        case .stopped(let container): return "\(container) was stopped"
        case .notStarted(let container): return "\(container) was created but never started"
        case .completed(let container): return "\(container) ran to completion"
        case .scaled: return nil
        case .orphan: return "service is no longer in the configuration (orphan)"
        case .dataLoss: return "the volume's data will be lost"
        }
    }

    /// Shared with `berth ps`, which prints the same notice.
    public static func networkDaemonDown(log: String) -> String {
        "network daemon not running: DNS is down and published ports no longer follow replicas and health; "
            + "`berth up` restarts it (log: \(log))"
    }

    static func describe(_ item: DriftItem) -> String {
        let subject = item.container.map { "container \($0)" } ?? item.resource.description
        switch item.kind {
        case .containerExited(let code): return "\(subject) exited with code \(code)"
        case .containerDead: return "\(subject) is dead"
        case .supervisorMissing: return "\(subject): its supervisor process is gone"
        case .bridgeMissing: return "\(subject): its bridge was deleted"
        case .volumeMissing: return "\(subject): its directory was deleted"
        }
    }

    private static func quote(_ value: String) -> String {
        var out = "\""
        for ch in value {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(ch)
            }
        }
        return out + "\""
    }
}

private struct Painter {
    let enabled: Bool

    func callAsFunction(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
