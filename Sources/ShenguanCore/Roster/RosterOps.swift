import ShenguanCalendar
import ShenguanCrypto

/// Roster and staff operation kinds and their bodies (PROTOCOL.md §4).
public enum RosterOps {
    public static let genesis = "roster.genesis"
    public static let department = "roster.department"
    public static let admit = "roster.admit"
    public static let revoke = "roster.revoke"
    public static let policy = "roster.policy"
    public static let calendar = "roster.calendar"
    /// Rotates the root key: later roster operations are signed by the new key.
    public static let root = "roster.root"
    public static let staff = "staff.register"
    /// Ends a staff registration early (`StaffEnd`).
    public static let staffEnd = StaffEnd.kind

    /// The genesis header's `net`: 64 zeros, since the network id is the
    /// genesis operation's own id.
    public static let genesisNet = Digest(bytes: [UInt8](repeating: 0, count: 32))!

    /// The body of `roster.genesis`.
    public struct Genesis: Sendable {
        public var name: String
        public var root: PublicKey
        public var policy: Policy
        public var calendar: [CalendarYear]
        public var departments: [RosterState.Department]
        public var replicas: [(PublicKey, String)]

        public init(name: String, root: PublicKey, policy: Policy, calendar: [CalendarYear],
                    departments: [RosterState.Department], replicas: [(PublicKey, String)]) {
            self.name = name; self.root = root; self.policy = policy; self.calendar = calendar
            self.departments = departments; self.replicas = replicas
        }

        public var json: JSONValue {
            .object([
                "name": .string(name), "root": .string(root.base64url), "policy": policy.json,
                "calendar": .array(calendar.map(RosterOps.json(year:))),
                "departments": .array(departments.map(RosterOps.json(department:))),
                "replicas": .array(replicas.map { .object(["key": .string($0.0.base64url), "department": .string($0.1)]) }),
            ])
        }

        public init(json b: JSONValue) throws(OpRejection) {
            func bad(_ s: String) -> OpRejection { OpRejection(.invalidBody, "genesis: \(s)") }
            guard let name = b["name"]?.stringValue, !name.isEmpty else { throw bad("name missing") }
            guard let root = b["root"]?.stringValue.flatMap({ PublicKey(base64url: $0) }) else { throw bad("root key missing") }
            let policy: Policy
            do { policy = try Policy(signed: b["policy"] ?? .null) } catch { throw bad(error.description) }
            var years = [CalendarYear]()
            for y in b["calendar"]?.arrayValue ?? [] { years.append(try RosterOps.calendarYear(y)) }
            var depts = [RosterState.Department]()
            for d in b["departments"]?.arrayValue ?? [] { depts.append(try RosterOps.department(d)) }
            var reps = [(PublicKey, String)]()
            for r in b["replicas"]?.arrayValue ?? [] {
                guard let k = r["key"]?.stringValue.flatMap({ PublicKey(base64url: $0) }), let d = r["department"]?.stringValue else {
                    throw bad("replica entry is {\"department\": id, \"key\": base64url}")
                }
                reps.append((k, d))
            }
            self.init(name: name, root: root, policy: policy, calendar: years, departments: depts, replicas: reps)
        }
    }

    public static func json(department d: RosterState.Department) -> JSONValue {
        .object(["id": .string(d.id), "name": .string(d.name), "role": .string(d.role.rawValue)])
    }

    public static func department(_ v: JSONValue) throws(OpRejection) -> RosterState.Department {
        guard let id = v["id"]?.stringValue, isValidID(id), let name = v["name"]?.stringValue, !name.isEmpty,
              let role = v["role"]?.stringValue.flatMap(Role.init(rawValue:)) else {
            throw OpRejection(.invalidBody, "a department is {\"id\": [a-z0-9-]{1,32}, \"name\": text, \"role\": one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))}")
        }
        return RosterState.Department(id: id, name: name, role: role)
    }

    public static func json(year y: CalendarYear) -> JSONValue {
        .object(["year": .int(Int64(y.year)), "source": .string(y.source),
                 "holidays": .array(y.holidays.map { .string($0.iso) }),
                 "adjustedWorkingDays": .array(y.adjustedWorkingDays.map { .string($0.iso) })])
    }

    public static func calendarYear(_ v: JSONValue) throws(OpRejection) -> CalendarYear {
        func dates(_ k: String) throws(OpRejection) -> [CivilDate] {
            var out = [CivilDate]()
            for d in v[k]?.arrayValue ?? [] {
                guard let s = d.stringValue, let c = CivilDate(iso: s) else { throw OpRejection(.invalidBody, "calendar \(k): not a YYYY-MM-DD date") }
                out.append(c)
            }
            return out
        }
        guard let y = v["year"]?.intValue, let source = v["source"]?.stringValue else {
            throw OpRejection(.invalidBody, "a calendar year is {\"year\", \"source\", \"holidays\", \"adjustedWorkingDays\"}")
        }
        let year = CalendarYear(year: Int(y), holidays: try dates("holidays"), adjustedWorkingDays: try dates("adjustedWorkingDays"), source: source)
        do { _ = try WorkingDayCalendar(years: [year]) } catch { throw OpRejection(.invalidBody, error.description) }
        return year
    }

    /// Department and staff ids: `[a-z0-9-]{1,32}`.
    public static func isValidID(_ s: String) -> Bool {
        (1...32).contains(s.utf8.count) && s.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }
}
