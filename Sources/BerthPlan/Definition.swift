/// A resource's canonical configuration flattened to `(path, value)` pairs, in the order the
/// model produced them. The planner compares definitions field by field, so a recreate can
/// say exactly which setting changed instead of "the hash differs".
public struct Definition: Hashable, Sendable {
    public struct Field: Hashable, Sendable {
        /// `image`, `environment.LOG_LEVEL`, `ports[0]`, `healthcheck.interval`.
        public var path: String
        /// The scalar text of the value.
        public var value: String

        public init(path: String, value: String) {
            self.path = path
            self.value = value
        }
    }

    public var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    /// Ordered literal form, mostly for tests and the integrator's mapping code.
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.fields = pairs.map { Field(path: $0.key, value: $0.value) }
    }

    /// The value at `path`, if present (first occurrence).
    public func value(at path: String) -> String? {
        fields.first { $0.path == path }?.value
    }

    /// What changed from `old` to `self`: changed and added fields in this definition's order,
    /// then removed fields in the old order. Linear in the number of fields.
    public func differences(from old: Definition) -> [Reason] {
        if fields == old.fields { return [] }
        var oldValues: [String: String] = [:]
        oldValues.reserveCapacity(old.fields.count)
        for field in old.fields where oldValues[field.path] == nil {
            oldValues[field.path] = field.value
        }
        var reasons: [Reason] = []
        var newPaths = Set<String>()
        newPaths.reserveCapacity(fields.count)
        for field in fields where newPaths.insert(field.path).inserted {
            if let before = oldValues[field.path] {
                if before != field.value {
                    reasons.append(.changed(path: field.path, from: before, to: field.value))
                }
            } else {
                reasons.append(.added(path: field.path, value: field.value))
            }
        }
        var removedSeen = Set<String>()
        for field in old.fields where !newPaths.contains(field.path) && removedSeen.insert(field.path).inserted {
            reasons.append(.removed(path: field.path, value: field.value))
        }
        return reasons
    }
}
