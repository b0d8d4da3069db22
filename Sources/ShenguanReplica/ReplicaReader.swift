import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// The read side of a replica at one instant: the views a clerk opens, each
/// read through the read model (the rows it shows, never the whole
/// history). Needs no key: `department` is this replica's, when known.
public struct ReplicaReader: Sendable {
    public let store: ReplicaStore
    public let now: Int64
    public let department: String?

    public init(store: ReplicaStore, now: Int64, department: String?) {
        self.store = store; self.now = now; self.department = department
    }

    /// Opens the replica in `home` for reading; its department comes from
    /// the key's public half (no passphrase).
    public static func open(home: ReplicaHome, now: Int64) throws(ReplicaError) -> ReplicaReader {
        do {
            let store = try home.open()
            let dept = try (try? home.publicKey()).flatMap { try store.roster()?.replicas[$0]?.department }
            return ReplicaReader(store: store, now: now, department: dept)
        } catch { throw ReplicaError.wrap(error) }
    }

    func run<T>(_ body: () throws -> T) throws(ReplicaError) -> T {
        do { return try body() } catch { throw ReplicaError.wrap(error) }
    }

    // MARK: - Naming items

    /// The operation a clerk names: an id or id prefix (4+ hex digits), or a
    /// licence number, unified social credit code or applicant / subject
    /// name of an approval or supervision record (exact). `kinds`, when
    /// given, narrows what a name may mean (e.g. approvals only).
    public func resolveOp(_ name: String, kinds: Set<String>? = nil) throws(ReplicaError) -> VerifiedOp {
        try run {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            var byID: VerifiedOp?
            do { byID = try store.op(trimmed) } catch let e as StoreError where e.code == "store.unknown_op" { byID = nil }
            if let byID { return byID }
            var hits = try store.items(named: trimmed).map { try store.op($0.hex) }
            if let kinds { hits = hits.filter { kinds.contains($0.header.kind) } }
            guard let first = hits.first else {
                throw ReplicaError("item.not_found", "Nothing is named \"\(trimmed)\": give an id (or its first 8+ characters), a licence number, a credit code or an applicant's name.",
                                   zh: "找不到“\(trimmed)”：请输入编号（或其前 8 位以上）、证照编号、统一社会信用代码或申请人名称。")
            }
            guard hits.count == 1 else {
                let list = hits.prefix(10).map { String($0.id.hex.prefix(12)) }.joined(separator: ", ")
                throw ReplicaError("item.ambiguous", "\"\(trimmed)\" names \(hits.count) items (\(list)); give one of these ids.",
                                   zh: "“\(trimmed)”对应 \(hits.count) 个事项（\(list)），请输入其中一个编号。")
            }
            return first
        }
    }

    /// The push a clerk names: a push id, or a licence / record whose one
    /// push addressed to `department` (unclaimed first) is meant.
    public func resolvePush(_ name: String, addressedTo dept: String?) throws(ReplicaError) -> VerifiedOp {
        try push(of: try resolveOp(name), named: name, addressedTo: dept)
    }

    /// `op` if it is a push, else the one push of the licence or record `op`.
    func push(of op: VerifiedOp, named name: String, addressedTo dept: String?) throws(ReplicaError) -> VerifiedOp {
        if op.header.kind == WorkflowKinds.push { return op }
        guard [WorkflowKinds.approval, WorkflowKinds.supervision].contains(op.header.kind) else {
            throw ReplicaError("workflow.wrong_kind", "\(name) is a \(op.header.kind) operation, not a push.", zh: "\(name) 不是推送。")
        }
        return try run {
            let wf = try store.itemView(op.id, now: now).workflow
            let mine = wf.pushes.values.filter { $0.body.record == op.id && (dept == nil || $0.body.to == dept) }
                .sorted { ($0.claims.isEmpty ? 0 : 1, $0.act.time, $0.act.id) < ($1.claims.isEmpty ? 0 : 1, $1.act.time, $1.act.id) }
            guard let p = mine.first else {
                throw ReplicaError("item.no_push", "\(name) has no push\(dept.map { " to \($0)" } ?? "") held on this replica (sync first if one is expected).",
                                   zh: "\(name) 在本副本上没有\(dept.map { "发给 \($0) 的" } ?? "")推送（如应有，请先同步）。")
            }
            if mine.count > 1, mine[1].claims.isEmpty == p.claims.isEmpty {
                let list = mine.map { String($0.act.id.hex.prefix(12)) }.joined(separator: ", ")
                throw ReplicaError("item.ambiguous", "\(name) has \(mine.count) pushes (\(list)); give the push id.",
                                   zh: "\(name) 有 \(mine.count) 条推送（\(list)），请输入推送编号。")
            }
            return p.act.op
        }
    }

    // MARK: - Views

    /// What `department` (default: this replica's) must act on, oldest
    /// limit first.
    public func inbox(department: String? = nil) throws(ReplicaError) -> InboxView {
        guard let dept = department ?? self.department else {
            throw ReplicaError("inbox.department", "This replica's department is unknown (not admitted yet); name one with --department.",
                               zh: "本副本的部门未知（尚未被接纳）；请用 --department 指定部门。")
        }
        return try run {
            let v = try store.inboxView(department: dept, now: now)
            return InboxView(department: dept, items: try v.workflow.inbox(for: dept, v.context), workflow: v.workflow, context: v.context)
        }
    }

    /// The full history of the item `name` names, with verdicts (`status`).
    public func report(_ name: String) throws(ReplicaError) -> ItemReport {
        let op = try resolveOp(name)
        return try run {
            let v = try store.itemView(op.id, now: now)
            return try ItemReport(wf: v.workflow, ctx: v.context, id: op.id)
        }
    }

    /// Concurrent field edits and equivocating authors.
    public func conflicts() throws(ReplicaError) -> ConflictsView {
        try run { ConflictsView(workflow: try store.conflictsView(now: now).workflow, equivocations: try store.equivocations()) }
    }

    /// The warning list (R9), optionally one credit code, optionally with delisted entries.
    public func warnings(creditCode: String? = nil, includeDelisted: Bool = false) throws(ReplicaError) -> (workflow: Workflow, entries: [Workflow.WarningEntry]) {
        try run {
            let wf = try store.warningsView(creditCode: creditCode.flatMap { CreditCode($0) }, now: now).workflow
            let entries = wf.warnings.values.filter { (includeDelisted || $0.delisted == nil) && (creditCode == nil || $0.creditCode.value == creditCode) }
                .sorted { ($0.creditCode.value, $0.source) < ($1.creditCode.value, $1.source) }
            return (wf, entries)
        }
    }

    /// The evidence bundle of the verdict about what `name` names: a push or
    /// inquiry (a licence with one push to or from this department means
    /// that push), or an operation of a forked author.
    public func evidence(_ name: String) throws(ReplicaError) -> EvidenceBundle {
        let named = try resolveOp(name)
        let isRecord = [WorkflowKinds.approval, WorkflowKinds.supervision].contains(named.header.kind)
        let target = isRecord ? try push(of: named, named: name, addressedTo: nil) : named
        return try run {
            guard let bundle = try store.evidenceBundle(for: target.id, now: now) else {
                throw ReplicaError("evidence.not_an_item", "\(target.id.hex.prefix(12))… is neither a push, an inquiry nor an operation of a forked author.",
                                   zh: "\(target.id.hex.prefix(12))… 不是推送、函询，也不是分叉作者的操作。")
            }
            return bundle
        }
    }

    /// Staff registered (all departments, or one).
    public func staff(department: String? = nil) throws(ReplicaError) -> [(id: String, member: StaffMember)] {
        try run { try store.staff(department: department).map { (id: $0.0, member: $0.1) } }
    }
}

/// What a department must act on (`inbox`).
public struct InboxView: Sendable {
    public let department: String
    public let items: [Workflow.InboxItem]
    public let workflow: Workflow
    public let context: JudgeContext

    /// R22 reminders: the items whose limit ends within a working day (the
    /// last counted working day has come, or none is left before 24:00).
    public var reminders: [Workflow.InboxItem] {
        items.filter { i in i.due.map { Workflow.timeLeft($0, now: context.now, calendar: context.calendar).workingDays <= 1 } ?? false }
    }

    public var json: JSONValue {
        .object(["department": .string(department), "items": .array(items.map { workflow.json($0, context) })])
    }
}

/// Concurrent edits kept side by side, and equivocating authors (`conflicts`).
public struct ConflictsView: Sendable {
    public let workflow: Workflow
    public let equivocations: [ReplicaState.Equivocation]

    public var json: JSONValue {
        .object([
            "fields": .array(workflow.conflicts.map { c in
                .object(["target": .string(c.target.hex), "field": .string(c.field),
                         "values": .array(c.values.map { .object(["value": .string($0.value), "by": $0.by.map { .string($0.hex) } ?? .null]) })])
            }),
            "equivocations": .array(equivocations.map { .object(["author": .string($0.author), "seq": .int($0.seq), "ids": .array($0.ids.map { .string($0) })]) }),
        ])
    }
}

extension Workflow.WarningEntry {
    public var json: JSONValue {
        .object(["source": .string(source.hex), "creditCode": .string(creditCode.value), "name": .string(name),
                 "level": .string(level), "reason": .string(reason), "department": .string(department),
                 "delisted": delisted.map { .string($0.hex) } ?? .null])
    }
}

/// One item addressed to a department, open or done (`inbox --all`): the
/// inbox's item with its status now.
public struct HistoryItem: Sendable {
    public let item: Workflow.InboxItem
    /// pending, claimed_on_time, auto_claimed, deemed_consent, decided, …
    public let status: String
    public let provisional: Bool
    public var id: Digest { item.id }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["id": .string(item.id.hex), "action": .string(item.action), "rule": .string(item.rule),
                                      "title": .string(item.title), "from": .string(item.from),
                                      "since": .string(ChinaStandardTime.rfc3339CST(millis: item.since)), "status": .string(status)]
        if let due = item.due { o["limit"] = .string(due.deadlineRFC3339) }
        if provisional { o["provisionalCalendar"] = .bool(true) }
        return .object(o)
    }
}

extension ReplicaReader {
    /// Everything addressed to `department` (default: this replica's), open
    /// or done, newest first, with its status: auto-claimed pushes and
    /// lapsed inquiries stay findable after they leave the inbox.
    public func history(department: String? = nil, limit: Int = 50, offset: Int = 0) throws(ReplicaError) -> [HistoryItem] {
        guard let dept = department ?? self.department else {
            throw ReplicaError("inbox.department", "This replica's department is unknown (not admitted yet); name one with --department.",
                               zh: "本副本的部门未知（尚未被接纳）；请用 --department 指定部门。")
        }
        return try run {
            let (ids, v) = try store.historyView(department: dept, limit: max(1, min(limit, 1000)), offset: max(0, min(offset, 1_000_000)), now: now)
            return try Self.historyItems(ids, v)
        }
    }

    /// The rows of `ids` (pushes, inquiries, revocation requests) judged on `v`.
    static func historyItems(_ ids: [Digest], _ v: WorkflowView) throws -> [HistoryItem] {
        let (wf, ctx) = (v.workflow, v.context)
        return try ids.compactMap { id -> HistoryItem? in
            if let p = wf.pushes[id] {
                let st = try wf.status(of: p, ctx)
                return HistoryItem(item: .init(id: id, action: "claim", rule: st.claim.rule, title: wf.title(ofRecord: p.body.record),
                                               from: p.act.department, since: p.act.time, due: st.claim.due),
                                   status: st.label, provisional: st.claim.provisional)
            }
            if let q = wf.inquiries[id] {
                let st = try wf.status(of: q, ctx)
                return HistoryItem(item: .init(id: id, action: "reply", rule: "R12", title: q.body.subject, from: q.act.department,
                                               since: q.act.time, due: st.verdict.due),
                                   status: st.label, provisional: st.verdict.provisional)
            }
            if let r = wf.requests[id] {
                return HistoryItem(item: .init(id: id, action: "decide", rule: "R10", title: "\(r.body.action) · \(wf.title(ofRecord: r.body.approval))",
                                               from: r.act.department, since: r.act.time, due: nil),
                                   status: r.decisions.isEmpty ? "awaiting_decision" : "decided", provisional: false)
            }
            // R14, R15, R11: what the later rules put on a list, with where each stands.
            if let i = wf.inspections[id] {
                return HistoryItem(item: .init(id: id, action: "inspect", rule: "R14", title: "\(i.body.subject) · \(i.body.place)", from: i.act.department,
                                               since: i.act.time, due: nil),
                                   status: i.reports.isEmpty ? "awaiting_report" : "reported", provisional: false)
            }
            if let n = wf.inspectionOf[id], let i = wf.inspections[n], let r = i.reports.first(where: { $0.act.id == id }) {
                return HistoryItem(item: .init(id: id, action: "countersign", rule: "R14", title: "\(i.body.subject) · \(i.body.place)", from: r.act.department,
                                               since: r.act.time, due: nil),
                                   status: r.isJoint ? "countersigned" : "awaiting_countersign", provisional: false)
            }
            if let l = wf.liaisons[id] {
                return HistoryItem(item: .init(id: id, action: "appoint", rule: "R15", title: l.body.purpose, from: l.act.department, since: l.act.time, due: nil),
                                   status: l.appointments.isEmpty ? "awaiting_officer" : "appointed", provisional: false)
            }
            if let r = wf.reviews[id] {
                return HistoryItem(item: .init(id: id, action: "opine", rule: "R13", title: r.body.topic, from: r.act.department, since: r.act.time,
                                               due: Workflow.meetingEnd(r.body)),
                                   status: wf.status(of: r, ctx).outcome, provisional: false)
            }
            if let n = wf.reviewOf[id], let r = wf.reviews[n], let m = r.minutes.first(where: { $0.act.id == id }) {
                return HistoryItem(item: .init(id: id, action: "acknowledge", rule: "R13", title: r.body.topic, from: m.act.department, since: m.act.time, due: nil),
                                   status: "minutes_\(m.body.outcome)", provisional: false)
            }
            if let n = wf.notices[id] {
                return HistoryItem(item: .init(id: id, action: "acknowledge", rule: "R19", title: n.body.title, from: n.act.department, since: n.act.time, due: nil),
                                   status: n.waiting.isEmpty ? "acknowledged" : "awaiting_acknowledgement", provisional: false)
            }
            if let d = wf.draws[id] {
                return HistoryItem(item: .init(id: id, action: "commit", rule: "R16", title: d.body.topic, from: d.act.department, since: d.act.time, due: nil),
                                   status: wf.drawStatus(of: d).status, provisional: false)
            }
            if let a = wf.approvals[id], let v = try wf.verificationStatus(of: a, ctx) {
                let status = v.revocationDue ? "revocation_due" : v.latest.map { $0.body.kept ? "promise_kept" : "rectifying" } ?? "awaiting_verification"
                return HistoryItem(item: .init(id: id, action: "verify", rule: "R11", title: wf.title(ofRecord: id), from: a.act.department,
                                               since: a.act.time, due: v.verdict.due),
                                   status: status, provisional: v.verdict.provisional)
            }
            return nil
        }
    }
}
