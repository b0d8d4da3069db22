/// Policies as JSON: in the genesis roster, in `roster.policy` operations and
/// in custom policy files. Reading validates every field with a clear error.
extension Policy {
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let field: String
        public let problem: String
        public var code: String { "policy.invalid" }
        public var description: String { "The policy is invalid at \"\(field)\": \(problem)." }
    }

    static let limitNames = ["claim", "pushBack", "bureauClaim", "feedback", "creditPush", "postVerification"]

    public var json: JSONValue {
        var o: [String: JSONValue] = ["profile": .string(profile), "graceMillis": .int(graceMillis), "maxSkewMillis": .int(maxSkewMillis)]
        for (name, l) in limits {
            o[name] = .object(["workingDays": .int(Int64(l.workingDays)), "rule": .string(l.rule),
                               "citation": .string(l.citation), "localChoice": .bool(l.localChoice)])
        }
        return .object(o)
    }

    /// Reads a policy as a roster operation carries it (genesis,
    /// `roster.policy`; PROTOCOL.md §2.7): complete, every limit written
    /// out, no `base` (so no verifier needs the built-in profiles to know
    /// what was signed), each field in range.
    public init(signed json: JSONValue) throws(Invalid) {
        guard let o = json.objectValue else { throw Invalid(field: "(root)", problem: "expected a JSON object") }
        let members = Set(Self.limitNames + ["profile", "graceMillis", "maxSkewMillis"])
        if let odd = Set(o.keys).symmetricDifference(members).sorted().first {
            throw Invalid(field: odd, problem: o[odd] == nil ? "missing" : "not a member of a signed policy (\(members.sorted().joined(separator: ", ")))")
        }
        guard o["profile"]?.stringValue != nil else { throw Invalid(field: "profile", problem: "must be a string") }
        for name in Self.limitNames {
            guard let l = o[name]?.objectValue, Set(l.keys) == ["workingDays", "rule", "citation", "localChoice"],
                  l["rule"]?.stringValue != nil, l["citation"]?.stringValue != nil, l["localChoice"]?.boolValue != nil else {
                throw Invalid(field: name, problem: "expected exactly {\"citation\", \"localChoice\", \"rule\", \"workingDays\"}")
            }
        }
        try self.init(json: json)
    }

    /// Reads a policy. A custom file may start from a built-in profile
    /// (`"base": "linzi"`) and override single limits (`"claim": {"workingDays": 3}`).
    public init(json: JSONValue) throws(Invalid) {
        guard let o = json.objectValue else { throw Invalid(field: "(root)", problem: "expected a JSON object") }
        let allowed = Set(Self.limitNames + ["profile", "base", "graceMillis", "maxSkewMillis"])
        if let extra = o.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw Invalid(field: extra, problem: "unknown field; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        var p: Policy
        if let base = o["base"] {
            guard let name = base.stringValue, let b = Policy.profiles[name] else {
                throw Invalid(field: "base", problem: "must be one of \(Policy.profiles.keys.sorted().joined(separator: ", "))")
            }
            p = b
        } else {
            guard Set(Self.limitNames).isSubset(of: o.keys) else {
                throw Invalid(field: Self.limitNames.first { o[$0] == nil }!, problem: "missing (or give \"base\": a built-in profile)")
            }
            p = .liaocheng
        }
        p = Policy(profile: o["profile"]?.stringValue ?? "custom", claim: p.claim, pushBack: p.pushBack, bureauClaim: p.bureauClaim,
                   feedback: p.feedback, creditPush: p.creditPush, postVerification: p.postVerification,
                   graceMillis: p.graceMillis, maxSkewMillis: p.maxSkewMillis)
        func limit(_ name: String, _ current: PolicyLimit) throws(Invalid) -> PolicyLimit {
            guard let v = o[name] else { return current }
            guard let l = v.objectValue else { throw Invalid(field: name, problem: "expected {\"workingDays\": n, …}") }
            guard let n = l["workingDays"]?.intValue, (0...60).contains(n) else {
                throw Invalid(field: "\(name).workingDays", problem: "must be an integer from 0 (immediately) to 60")
            }
            return PolicyLimit(workingDays: Int(n), rule: l["rule"]?.stringValue ?? current.rule,
                               citation: l["citation"]?.stringValue ?? "custom policy", localChoice: l["localChoice"]?.boolValue ?? true)
        }
        p.claim = try limit("claim", p.claim)
        p.pushBack = try limit("pushBack", p.pushBack)
        p.bureauClaim = try limit("bureauClaim", p.bureauClaim)
        p.feedback = try limit("feedback", p.feedback)
        p.creditPush = try limit("creditPush", p.creditPush)
        p.postVerification = try limit("postVerification", p.postVerification)
        if let g = o["graceMillis"] {
            guard let v = g.intValue, (0...(7 * 86_400_000)).contains(v) else { throw Invalid(field: "graceMillis", problem: "must be 0 to 7 days in ms") }
            p.graceMillis = v
        }
        if let s = o["maxSkewMillis"] {
            guard let v = s.intValue, (1_000...86_400_000).contains(v) else { throw Invalid(field: "maxSkewMillis", problem: "must be 1 s to 1 day in ms") }
            p.maxSkewMillis = v
        }
        self = p
    }
}
