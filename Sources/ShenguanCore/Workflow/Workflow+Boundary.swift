import ShenguanCalendar
import ShenguanCrypto

/// R18 (003 山东 85号 审管互动边界清单): for each approval item, the list
/// says which regulators it goes to, each side's duties, how it is pushed
/// and which office answers for it. The bureau keeps it as signed entries;
/// a new version of an item's entry supersedes the previous one, and a
/// withdrawal takes the item off the list (PROTOCOL.md §4.6).
public struct BoundaryEntryBody: Equatable, Sendable {
    public static let maxRegulators = 16
    public let itemCode: String, itemName: String, powerType: String, stage: String?
    public let approvalDuties: String, regulatorDuties: String
    /// The departments the item's approvals are pushed to (sorted, no repeats).
    public let regulators: [String]
    public let pushMethod: String, office: String
    /// The entries of the same item this version replaces.
    public let supersedes: [Digest]

    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.boundaryEntry, json, allowed: ["itemCode", "itemName", "powerType", "stage", "approvalDuties",
                                                                                 "regulatorDuties", "regulators", "pushMethod", "office", "supersedes"])
        itemCode = try r.string("itemCode", max: 64); itemName = try r.string("itemName", max: 200)
        powerType = try r.string("powerType", max: 50); stage = try r.text("stage", max: 100, optional: true)
        approvalDuties = try r.string("approvalDuties"); regulatorDuties = try r.string("regulatorDuties")
        regulators = try r.departments("regulators", max: Self.maxRegulators)
        pushMethod = try r.string("pushMethod", max: 100); office = try r.string("office", max: 200)
        supersedes = try r.ids("supersedes", max: 16)
    }
}

/// R18: an item taken off the boundary list (an entry withdrawn, with why).
public struct BoundaryWithdrawBody: Equatable, Sendable {
    public let entry: Digest, reason: String
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.boundaryWithdraw, json, allowed: ["entry", "reason"])
        entry = try r.id("entry")!; reason = try r.string("reason", max: 500)
    }
}

extension Workflow {
    public struct BoundaryEntry: Sendable {
        public let act: Act
        public let body: BoundaryEntryBody
        /// Withdrawals by the department that wrote the entry.
        public var withdrawals: [Act] = []
    }

    /// How an approval's pushes compare with the boundary list in force
    /// when it was issued (R18): departments the list names that were not
    /// pushed to, and pushes to departments it does not name.
    public struct BoundaryCheck: Sendable {
        /// The item's entries in force (more than one: concurrent versions, a conflict).
        public let entries: [BoundaryEntry]
        public let missing: [String]
        public let unlisted: [String]
        public var conflict: Bool { entries.count > 1 }
        public var matches: Bool { missing.isEmpty && unlisted.isEmpty && !conflict }
    }

    /// The item's entries in force at `clock` (nil: now, everything held):
    /// written by then, not superseded by an entry written by then, not
    /// withdrawn by then. More than one is a conflict (two versions written
    /// without seeing each other), oldest id first.
    public func boundaryEntries(itemCode: String, at clock: HLC? = nil) -> [BoundaryEntry] {
        func by(_ a: Act) -> Bool { clock.map { a.op.header.clock <= $0 } ?? true }
        let mine = (boundaryOf[itemCode] ?? []).compactMap { boundary[$0] }.filter { by($0.act) }
        let superseded = Set(mine.flatMap(\.body.supersedes))
        return mine.filter { !superseded.contains($0.act.id) && !$0.withdrawals.contains(where: by) }.sorted { $0.act.id < $1.act.id }
    }

    /// Every item's entries in force at `clock`, by item code.
    public func boundaryList(at clock: HLC? = nil) -> [(itemCode: String, entries: [BoundaryEntry])] {
        boundaryOf.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { ($0, boundaryEntries(itemCode: $0, at: clock)) }.filter { !$0.entries.isEmpty }
    }

    /// 1 for a first entry, one more than the newest version it supersedes after that.
    public func boundaryVersion(_ id: Digest) -> Int {
        var memo = [Digest: Int]()
        func version(_ id: Digest, depth: Int) -> Int {
            if let v = memo[id] { return v }
            guard depth < 10_000, let e = boundary[id] else { return 0 }
            let v = 1 + (e.body.supersedes.filter { boundary[$0]?.body.itemCode == e.body.itemCode }.map { version($0, depth: depth + 1) }.max() ?? 0)
            memo[id] = v
            return v
        }
        return version(id, depth: 0)
    }

    /// R18 for an approval: its pushes (not relays) against the item's
    /// entries in force at the approval's own time. Nil when the list has
    /// no entry for the item then (nothing to compare with).
    public func boundaryCheck(of approval: Digest) -> BoundaryCheck? {
        guard let a = approvals[approval] else { return nil }
        let entries = boundaryEntries(itemCode: a.body.itemCode, at: a.act.op.header.clock)
        guard !entries.isEmpty else { return nil }
        let named = Set(entries.flatMap(\.body.regulators))
        let pushed = Set(pushes.values.filter { $0.body.record == approval && $0.body.via == nil && $0.act.department == a.act.department }.map(\.body.to))
        func sorted(_ s: Set<String>) -> [String] { s.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }
        return BoundaryCheck(entries: entries, missing: sorted(named.subtracting(pushed)), unlisted: sorted(pushed.subtracting(named)))
    }

    mutating func placeBoundary(_ act: Act, body: JSONValue) {
        guard let b = try? BoundaryEntryBody(json: body) else { return }
        boundary[act.id] = BoundaryEntry(act: act, body: b)
        boundaryOf[b.itemCode, default: []].append(act.id)
    }

    /// Only the department that wrote an entry withdraws it (§4.4).
    mutating func linkBoundary(_ act: Act, body: JSONValue) {
        guard let b = try? BoundaryWithdrawBody(json: body), boundary[b.entry]?.act.department == act.department else { return }
        boundary[b.entry]?.withdrawals.append(act)
    }

    public func json(_ e: BoundaryEntry) -> JSONValue {
        var o: [String: JSONValue] = [
            "entry": .string(e.act.id.hex), "version": .int(Int64(boundaryVersion(e.act.id))), "itemCode": .string(e.body.itemCode),
            "itemName": .string(e.body.itemName), "powerType": .string(e.body.powerType),
            "approvalDuties": .string(e.body.approvalDuties), "regulatorDuties": .string(e.body.regulatorDuties),
            "regulators": .array(e.body.regulators.map { .string($0) }), "pushMethod": .string(e.body.pushMethod), "office": .string(e.body.office),
            "by": .string(e.act.department), "time": .string(ChinaStandardTime.rfc3339CST(millis: e.act.time))]
        if let s = e.body.stage { o["stage"] = .string(s) }
        return .object(o)
    }

    public func json(_ c: BoundaryCheck) -> JSONValue {
        .object(["entries": .array(c.entries.map { .string($0.act.id.hex) }), "missing": .array(c.missing.map { .string($0) }),
                 "unlisted": .array(c.unlisted.map { .string($0) }), "conflict": .bool(c.conflict), "matches": .bool(c.matches)])
    }
}
