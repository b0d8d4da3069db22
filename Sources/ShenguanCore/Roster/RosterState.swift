import ShenguanCalendar
import ShenguanCrypto

/// The roster at one point of the root chain: departments, admitted replica
/// keys, policy and calendar (DESIGN.md "Roster, roles, policy"). A pure fold
/// over the root key's operations, `roster.genesis` first.
public struct RosterState: Equatable, Sendable {
    public struct Department: Equatable, Sendable {
        public let id: String
        public let name: String
        public let role: Role
        public init(id: String, name: String, role: Role) { self.id = id; self.name = name; self.role = role }
    }
    public struct Replica: Equatable, Sendable {
        public let key: PublicKey
        public let department: String
        /// Root-chain seq that admitted it, and that revoked it (if any).
        public let admittedAt: Int64
        public var revokedAt: Int64?
    }

    public let network: String
    /// The key that signs roster operations now (rotated by `roster.root`).
    public private(set) var root: PublicKey
    /// Roster version this state reflects: 1 for the genesis, +1 per roster operation.
    public private(set) var version: Int64
    /// The `time` of the roster operation that made this version: from this
    /// instant on its policy is in force (PROTOCOL.md §4.2).
    public private(set) var time: Int64
    public private(set) var departments: [String: Department] = [:]
    public private(set) var replicas: [PublicKey: Replica] = [:]
    public private(set) var policy: Policy
    public private(set) var calendarYears: [Int: CalendarYear] = [:]

    /// The replica entry of `key` if admitted and not revoked in this state.
    public func activeReplica(_ key: PublicKey) -> Replica? {
        guard let r = replicas[key], r.revokedAt == nil else { return nil }
        return r
    }

    public func role(of key: PublicKey) -> Role? {
        activeReplica(key).flatMap { departments[$0.department]?.role }
    }

    /// The working-day calendar of the published years (T1).
    public var calendar: WorkingDayCalendar {
        (try? WorkingDayCalendar(years: calendarYears.values.sorted { $0.year < $1.year })) ?? OfficialCalendar.calendar
    }

    /// The state after the genesis operation.
    public init(genesis op: VerifiedOp) throws(OpRejection) {
        guard op.header.kind == RosterOps.genesis, op.header.seq == 1, let body = op.body else {
            throw OpRejection(.invalidBody, "not a genesis roster operation")
        }
        let g = try RosterOps.Genesis(json: body)
        guard g.root == op.header.author else { throw OpRejection(.invalidBody, "genesis root must be its author") }
        try Self.requireStrong(g.root, "the genesis root key")
        network = g.name
        root = g.root
        version = 1
        time = op.header.clock.time
        policy = g.policy
        for d in g.departments { departments[d.id] = d }
        for (key, dept) in g.replicas {
            try Self.requireStrong(key, "the genesis replica key of \(dept)")
            guard departments[dept] != nil else { throw OpRejection(.invalidBody, "replica admitted to unknown department \(dept)") }
            replicas[key] = Replica(key: key, department: dept, admittedAt: 1, revokedAt: nil)
        }
        for y in g.calendar { calendarYears[y.year] = y }
    }

    /// Refuses a key that fails PROTOCOL.md §2.2's key rule.
    static func requireStrong(_ key: PublicKey, _ what: String) throws(OpRejection) {
        guard key.isStrong else { throw OpRejection(.weakKey, "\(what) \(key.base64url.prefix(12))…") }
    }

    /// Applies the next roster operation, signed by the current root key;
    /// the result is version + 1.
    public mutating func apply(_ op: VerifiedOp) throws(OpRejection) {
        guard op.header.author == root else {
            throw OpRejection(.rosterInvalid, "roster operations are signed by the current root key")
        }
        guard let body = op.body else { throw OpRejection(.invalidBody, "roster operation without body") }
        let seq = version + 1
        func bad(_ s: String) -> OpRejection { OpRejection(.invalidBody, s) }
        switch op.header.kind {
        case RosterOps.department:
            let d = try RosterOps.department(body)
            guard departments[d.id] == nil else { throw bad("department \(d.id) exists already") }
            departments[d.id] = d
        case RosterOps.admit:
            guard let k = body["key"]?.stringValue.flatMap({ PublicKey(base64url: $0) }), let dept = body["department"]?.stringValue else {
                throw bad("roster.admit is {\"department\": id, \"key\": base64url}")
            }
            guard departments[dept] != nil else { throw bad("unknown department \(dept)") }
            guard replicas[k] == nil else { throw bad("key already admitted") }
            try Self.requireStrong(k, "the admitted key")
            replicas[k] = Replica(key: k, department: dept, admittedAt: seq, revokedAt: nil)
        case RosterOps.revoke:
            guard let k = body["key"]?.stringValue.flatMap({ PublicKey(base64url: $0) }), var r = replicas[k], r.revokedAt == nil else {
                throw bad("roster.revoke names a key that is not active")
            }
            r.revokedAt = seq
            replicas[k] = r
        case RosterOps.policy:
            do { policy = try Policy(signed: body["policy"] ?? .null) } catch { throw bad(error.description) }
        case RosterOps.root:
            guard let k = body["key"]?.stringValue.flatMap({ PublicKey(base64url: $0) }), k != root, replicas[k] == nil else {
                throw bad("roster.root names a new key that is neither the current root nor a replica key")
            }
            try Self.requireStrong(k, "the new root key")
            root = k
        case RosterOps.calendar:
            let y = try RosterOps.calendarYear(body["year"] ?? .null)
            calendarYears[y.year] = y
        default:
            throw OpRejection(.unknownKind, "root key wrote \(op.header.kind)")
        }
        version = seq
        time = op.header.clock.time
    }
}

extension RosterState {
    /// The roster version in force at instant `t` (PROTOCOL.md §4.2): the
    /// latest of `versions` (in version order, which is clock order along
    /// the root chain) whose operation's `time` ≤ `t`; the first when `t`
    /// precedes them all.
    public static func inForce(at t: Int64, in versions: [RosterState]) -> RosterState? {
        guard var best = versions.first else { return nil }
        var lo = 0, hi = versions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if versions[mid].time <= t { lo = mid + 1 } else { hi = mid }
        }
        if lo > 0 { best = versions[lo - 1] }
        return best
    }
}
