import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

/// What a view shows: the workflow projection of the operations it needs
/// (read through the read model's indexes) and the judging context at `now`
/// with the stored proven intervals. The pure `Workflow` functions (inbox,
/// statuses, conflicts) run on it unchanged, so a view and the full fold
/// give the same answers for the items the view covers.
public struct WorkflowView: Sendable {
    public let workflow: Workflow
    public let context: JudgeContext
    /// How many operations the view read (what its cost grows with).
    public let opsRead: Int
}

extension ReplicaStore {
    /// What `department` must act on (`Workflow.inbox`): the open pushes,
    /// inquiries and revocation requests addressed to it whose limit has not
    /// passed, with the records they refer to.
    public func inboxView(department: String, now: Int64) throws -> WorkflowView {
        try pool.read { db in
            let items = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT item FROM wf_open WHERE dept = ? AND (deadline IS NULL OR deadline > ?)
                """), arguments: [department, now])
            var loaded = try Self.loadRows(db, rows: items)
            // A push whose certificate is due (R17): its claims and certificates decide the item.
            let certify = try Int64.fetchAll(db.cachedStatement(sql: "SELECT item FROM wf_open WHERE dept = ? AND action = 'certify'"), arguments: [department])
            if !certify.isEmpty {
                let pushes = certify.compactMap { row in loaded.values.first { $0.row == row }?.op.id }
                let acts = try Self.namingRows(db, pushes, kinds: [WorkflowKinds.claim, WorkflowKinds.certificate])
                loaded.merge(try Self.loadRows(db, rows: acts)) { a, _ in a }
            }
            // The records pushed and the licences asked about: titles and the issuing department.
            var named = Set<Digest>()
            for op in loaded.values {
                guard let b = op.op.body else { continue }
                if op.op.header.kind == WorkflowKinds.push, let p = try? PushBody(json: b) { named.insert(p.record) }
                if op.op.header.kind == WorkflowKinds.revocationRequest, let r = try? RevocationRequestBody(json: b) { named.insert(r.approval) }
                if op.op.header.kind == WorkflowKinds.inspectionReport, let r = try? InspectionReportBody(json: b) { named.insert(r.notice) }
            }
            loaded.merge(try Self.loadIDs(db, ids: named.subtracting(loaded.keys))) { a, _ in a }
            // R11: an approval's verifications decide its verify / reverify items.
            let approvals = loaded.values.filter { $0.op.header.kind == WorkflowKinds.approval }.map(\.op.id)
            if !approvals.isEmpty {
                loaded.merge(try Self.loadRows(db, rows: try Self.namingRows(db, approvals, kinds: [WorkflowKinds.verification]))) { a, _ in a }
            }
            // R13: a review's opinions, minutes and acknowledgements decide all its items.
            let reviews = Set(loaded.values.compactMap { l -> Digest? in
                l.op.header.kind == WorkflowKinds.reviewConvene ? l.op.id
                    : l.op.header.kind == WorkflowKinds.reviewMinutes ? l.op.body?["review"]?.stringValue.flatMap { Digest(hex: $0) } : nil
            })
            // R16: a draw's commitments and reveals decide its items.
            let draws = loaded.values.filter { $0.op.header.kind == WorkflowKinds.drawRequest }.map(\.op.id)
            if !draws.isEmpty {
                loaded.merge(try Self.loadRows(db, rows: try Self.namingRows(db, draws, kinds: [WorkflowKinds.drawCommit, WorkflowKinds.drawReveal]))) { a, _ in a }
            }
            if !reviews.isEmpty {
                loaded.merge(try Self.loadIDs(db, ids: reviews.subtracting(loaded.keys))) { a, _ in a }
                loaded.merge(try Self.loadRows(db, rows: try Self.namingRows(db, Array(reviews), kinds: [WorkflowKinds.reviewOpinion, WorkflowKinds.reviewMinutes]))) { a, _ in a }
                let minutes = loaded.values.filter { $0.op.header.kind == WorkflowKinds.reviewMinutes }.map(\.op.id)
                loaded.merge(try Self.loadRows(db, rows: try Self.namingRows(db, minutes, kinds: [WorkflowKinds.reviewAck]))) { a, _ in a }
            }
            return try Self.view(db, loaded, now: now)
        }
    }

    /// Everything about one item (`status`): the licence, supervision record
    /// or inquiry it belongs to and every operation acting on it, down the
    /// `refs` index (pushes, relays, claims, feedback, corrections,
    /// revocation requests and decisions, replies, listings).
    public func itemView(_ id: Digest, now: Int64) throws -> WorkflowView {
        try pool.read { db in try Self.view(db, try Self.closure(db, of: id), now: now) }
    }

    /// Licences and supervision records a clerk names by licence number,
    /// credit code or subject name (exact), oldest first.
    public func items(named name: String) throws -> [Digest] {
        try items(keys: ["licence:" + name, "code:" + name, "name:" + name])
    }

    /// The licences and supervision records naming this licence number.
    public func items(licence: String) throws -> [Digest] { try items(keys: ["licence:" + licence]) }

    /// The licences of one approval item (R22), oldest first.
    public func items(itemCode: String) throws -> [Digest] { try items(keys: ["item:" + itemCode]) }

    /// Everything about several items at once (their closures, one view):
    /// the rows of a query (R22).
    public func itemsView(_ ids: [Digest], now: Int64) throws -> WorkflowView {
        try pool.read { db in try Self.view(db, try Self.closure(db, of: ids), now: now) }
    }

    private func items(keys: [String]) throws -> [Digest] {
        try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT o.id FROM subjects s JOIN ops o ON o.rowid = s.op
                WHERE s.key IN (\(keys.map { _ in "?" }.joined(separator: ", "))) ORDER BY o.time, o.ctr, o.id
                """, arguments: StatementArguments(keys)).compactMap { Digest(hex: $0) }
        }
    }

    /// Everything addressed to `department` (pushes, inquiries, revocation
    /// requests), open or done, newest first (`inbox --all`), with one view
    /// over all their closures: one read, one roster fold, one pass over the
    /// stored bounds, whatever the number of rows.
    public func historyView(department: String, limit: Int, offset: Int = 0, now: Int64) throws -> (ids: [Digest], view: WorkflowView) {
        try pool.read { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT o.id FROM addressed a JOIN ops o ON o.rowid = a.op
                WHERE a.dept = ? ORDER BY o.time DESC, o.ctr DESC, o.id DESC LIMIT ? OFFSET ?
                """, arguments: [department, limit, max(0, offset)]).compactMap { Digest(hex: $0) }
            return (ids, try Self.view(db, try Self.closure(db, of: ids), now: now))
        }
    }

    /// The shared expert pool (R16): every registration and retirement held
    /// (the `(kind, subject)` index; a pool holds hundreds, not millions).
    public func expertPoolView(now: Int64) throws -> WorkflowView {
        try pool.read { db in
            let rows = try Int64.fetchAll(db, sql: "SELECT rowid FROM ops WHERE kind IN (?, ?) AND body IS NOT NULL",
                                          arguments: [WorkflowKinds.expertRegister, WorkflowKinds.expertRetire])
            return try Self.view(db, try Self.loadRows(db, rows: rows), now: now)
        }
    }

    /// The boundary list (R18): the entries of `itemCode` (or of every
    /// item) and their withdrawals, by the `(kind, subject)` index.
    public func boundaryView(itemCode: String? = nil, now: Int64) throws -> WorkflowView {
        try pool.read { db in try Self.view(db, try Self.boundaryEntries(db, itemCodes: itemCode.map { [$0] }), now: now) }
    }

    /// Entries of the item codes (nil: all) with their withdrawals.
    static func boundaryEntries(_ db: Database, itemCodes: [String]?) throws -> [Digest: LoadedOp] {
        var rows = [Int64]()
        if let itemCodes {
            let q = try db.cachedStatement(sql: "SELECT rowid FROM ops WHERE kind = ? AND subject = ?")
            for c in Set(itemCodes) { rows += try Int64.fetchAll(q, arguments: [WorkflowKinds.boundaryEntry, c]) }
        } else {
            rows = try Int64.fetchAll(db, sql: "SELECT rowid FROM ops WHERE kind = ?", arguments: [WorkflowKinds.boundaryEntry])
        }
        var loaded = try loadRows(db, rows: rows)
        if !loaded.isEmpty {
            loaded.merge(try loadRows(db, rows: try namingRows(db, Array(loaded.keys), kinds: [WorkflowKinds.boundaryWithdraw]))) { a, _ in a }
        }
        return loaded
    }

    /// The warning list (R9): listings (by hand or from supervision) and their delistings.
    public func warningsView(creditCode: CreditCode? = nil, now: Int64) throws -> WorkflowView {
        try pool.read { db in
            let rows = try Int64.fetchAll(db, sql: "SELECT op FROM listings WHERE ?1 IS NULL OR credit_code = ?1", arguments: [creditCode?.value])
            var loaded = try Self.loadRows(db, rows: rows)
            // Only delistings change a listing (not the pushes and claims of the records that list).
            loaded.merge(try Self.loadRows(db, rows: try Self.namingRows(db, Array(loaded.keys), kinds: [WorkflowKinds.warningDelist]))) { a, _ in a }
            return try Self.view(db, loaded, now: now)
        }
    }

    /// Concurrent edits (`Workflow.conflicts`): approvals with more than one
    /// correction of a field and requests with more than one decision, with
    /// the operations acting on them.
    public func conflictsView(now: Int64) throws -> WorkflowView {
        try pool.read { db in
            let targets = try String.fetchAll(db, sql: """
                SELECT subject FROM ops WHERE kind = ? AND subject IS NOT NULL GROUP BY subject HAVING count(*) > 1
                UNION SELECT subject FROM ops WHERE kind = ? AND subject IS NOT NULL GROUP BY subject HAVING count(*) > 1
                """, arguments: [WorkflowKinds.correction, WorkflowKinds.revocationDecision]).compactMap { Digest(hex: $0) }
            var loaded = try Self.loadIDs(db, ids: Set(targets))
            loaded.merge(try Self.loadRows(db, rows: try Self.namingRows(db, targets))) { a, _ in a }
            return try Self.view(db, loaded, now: now)
        }
    }
}

/// One operation a view read, with what the read model stores about it.
struct LoadedOp {
    let op: VerifiedOp
    let row: Int64
    let rosterSeq: Int64
    let lo: StoredMark?
    let hi: StoredMark?
}

extension ReplicaStore {
    static let loadColumns = """
        o.rowid, o.author, o.header, o.sig, o.body, o.roster_seq,
        t.lo_time, t.lo_ctr, t.lo_id, t.lo_dept, t.hi_time, t.hi_ctr, t.hi_id, t.hi_dept
        FROM ops o LEFT JOIN op_time t ON t.op = o.rowid
        """

    static func loaded(_ r: Row) throws -> LoadedOp {
        LoadedOp(op: try load(r), row: r[0], rosterSeq: r[5], lo: StoredMark(r, at: 6), hi: StoredMark(r, at: 10))
    }

    static func loadRows(_ db: Database, rows: [Int64]) throws -> [Digest: LoadedOp] {
        try load(db, column: "o.rowid", rows.map { $0 as any DatabaseValueConvertible })
    }

    static func loadIDs(_ db: Database, ids: Set<Digest>) throws -> [Digest: LoadedOp] {
        try load(db, column: "o.id", ids.map(\.hex))
    }

    /// The operations whose `column` is one of `keys`, 500 to a query.
    private static func load(_ db: Database, column: String, _ keys: [any DatabaseValueConvertible]) throws -> [Digest: LoadedOp] {
        var out = [Digest: LoadedOp]()
        for start in stride(from: 0, to: keys.count, by: 500) {
            let chunk = Array(keys[start..<min(start + 500, keys.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for r in try Row.fetchAll(db, sql: "SELECT \(loadColumns) WHERE \(column) IN (\(marks))", arguments: StatementArguments(chunk)) {
                let l = try loaded(r)
                out[l.op.id] = l
            }
        }
        return out
    }

    /// Rows of the operations (of `kinds`, or of any kind) that name any of
    /// `targets` (the `refs` index), 500 targets to a query.
    static func namingRows(_ db: Database, _ targets: [Digest], kinds: [String]? = nil) throws -> [Int64] {
        var out = [Int64]()
        let kindFilter = kinds.map { " AND o.kind IN (\($0.map { "'\($0)'" }.joined(separator: ",")))" } ?? ""
        for start in stride(from: 0, to: targets.count, by: 500) {
            let chunk = targets[start..<min(start + 500, targets.count)].map(\.hex)
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let sql = kinds == nil ? "SELECT op FROM refs r WHERE r.target IN (\(marks))"
                : "SELECT r.op FROM refs r JOIN ops o ON o.rowid = r.op WHERE r.target IN (\(marks))\(kindFilter)"
            out += try Int64.fetchAll(db, sql: sql, arguments: StatementArguments(chunk))
        }
        return out
    }

    /// The operations a status of `id` reads: up to the item it belongs to
    /// (a claim's push, a push's record, a decision's request, a request's
    /// licence, …), then down every operation acting on it.
    static func closure(_ db: Database, of id: Digest) throws -> [Digest: LoadedOp] { try closure(db, of: [id]) }

    /// The union of the closures of `ids`, read level by level for all of
    /// them at once (a few queries, not a few per item: 全部事项, 统计).
    static func closure(_ db: Database, of ids: [Digest]) throws -> [Digest: LoadedOp] {
        var loaded = try loadIDs(db, ids: Set(ids))
        // Up: each id to the item it belongs to, one level per round for all of them.
        var climbing = Array(Set(ids))
        var roots = Set<Digest>()
        for _ in 0..<6 where !climbing.isEmpty {
            var next = [(from: Digest, up: Digest)]()
            for id in climbing {
                guard let op = loaded[id]?.op, let body = op.body, let up = parent(kind: op.header.kind, body: body) else {
                    roots.insert(id)
                    continue
                }
                next.append((id, up))
            }
            loaded.merge(try loadIDs(db, ids: Set(next.map(\.up)).subtracting(loaded.keys))) { a, _ in a }
            climbing = []
            for (from, up) in next {
                if loaded[up] != nil { climbing.append(up) } else { roots.insert(from) }
            }
        }
        roots.formUnion(climbing)
        // Down: every operation acting on what is held, all roots together.
        var frontier = Array(roots)
        var seen = roots
        while !frontier.isEmpty {
            let rows = try namingRows(db, frontier)
            let fresh = try loadRows(db, rows: rows).filter { !seen.contains($0.key) }
            frontier = Array(fresh.keys)
            seen.formUnion(fresh.keys)
            loaded.merge(fresh) { a, _ in a }
        }
        // What the loaded acts name upwards (a relay's original push, records of pushes).
        var named = Set<Digest>()
        for l in loaded.values {
            for ref in l.op.refs where ref.field == "record" || ref.field == "via" || ref.field == "candidates" { named.insert(ref.id) }
        }
        loaded.merge(try loadIDs(db, ids: named.subtracting(loaded.keys))) { a, _ in a }
        // R16: a draw's candidates and whether any was retired.
        let candidates = loaded.values.filter { $0.op.header.kind == WorkflowKinds.expertRegister }.map(\.op.id)
        if !candidates.isEmpty {
            loaded.merge(try loadRows(db, rows: try namingRows(db, candidates, kinds: [WorkflowKinds.expertRetire]))) { a, _ in a }
        }
        // R18: the boundary-list entries of the loaded approvals' items.
        let codes = loaded.values.compactMap { $0.op.header.kind == WorkflowKinds.approval ? $0.op.body?["item"]?["code"]?.stringValue : nil }
        if !codes.isEmpty { loaded.merge(try boundaryEntries(db, itemCodes: codes)) { a, _ in a } }
        return loaded
    }

    /// The item an operation belongs to, one level up.
    static func parent(kind: String, body: JSONValue) -> Digest? {
        let field: String
        switch kind {
        case WorkflowKinds.claim, WorkflowKinds.feedback: field = "push"
        case WorkflowKinds.push: field = "record"
        case WorkflowKinds.correction, WorkflowKinds.revocationRequest, WorkflowKinds.supervision: field = "approval"
        case WorkflowKinds.revocationDecision: field = "request"
        case WorkflowKinds.reply: field = "inquiry"
        case WorkflowKinds.inspectionNotice: field = "approval"
        case WorkflowKinds.inspectionReport: field = "notice"
        case WorkflowKinds.inspectionCountersign: field = "report"
        case WorkflowKinds.liaisonRequest: field = "notice"
        case WorkflowKinds.liaisonAppoint: field = "request"
        case WorkflowKinds.reviewConvene: field = "approval"
        case WorkflowKinds.reviewOpinion, WorkflowKinds.reviewMinutes: field = "review"
        case WorkflowKinds.reviewAck: field = "minutes"
        case WorkflowKinds.noticeAck: field = "notice"
        case WorkflowKinds.drawCommit, WorkflowKinds.drawReveal: field = "request"
        case WorkflowKinds.expertRetire: field = "expert"
        case WorkflowKinds.warningDelist, WorkflowKinds.boundaryWithdraw: field = "entry"
        case WorkflowKinds.warningList: field = "source"
        default: return nil
        }
        return body[field]?.stringValue.flatMap { Digest(hex: $0) }
    }

    /// The projection of `loaded` (plus the staff registrations they name)
    /// and its judging context with stored bounds.
    static func view(_ db: Database, _ input: [Digest: LoadedOp], now: Int64) throws -> WorkflowView {
        var loaded = input
        let officers = loaded.values.compactMap { $0.op.header.kind == WorkflowKinds.liaisonAppoint ? $0.op.body?["officer"]?.stringValue.flatMap { Digest(hex: $0) } : nil }
        let staff = Set(loaded.values.compactMap { OpKinds.staffRef($0.op.body) } + officers).subtracting(loaded.keys)
        loaded.merge(try loadIDs(db, ids: staff)) { a, _ in a }
        // The ends of those registrations, so the acts after them are marked.
        let named = Set(loaded.values.compactMap { OpKinds.staffRef($0.op.body) })
        if !named.isEmpty {
            let ends = try db.cachedStatement(sql: "SELECT id FROM staff_ends WHERE registration = ?")
            var endIDs = Set<Digest>()
            for reg in named { for id in try String.fetchAll(ends, arguments: [reg.hex]) { if let d = Digest(hex: id) { endIDs.insert(d) } } }
            loaded.merge(try loadIDs(db, ids: endIDs.subtracting(loaded.keys))) { a, _ in a }
        }
        let rosters = try rosterVersions(db: db)
        let seqs = loaded.mapValues(\.rosterSeq)
        let wf = Workflow(ops: loaded.values.map(\.op), roster: rosters.last, rosterSeq: { seqs[$0] ?? 0 })
        var bounds = [Digest: TimeBounds]()
        let stair = try db.cachedStatement(sql: "SELECT seq, time, witness FROM declared WHERE author = ? AND seq < ? ORDER BY seq DESC LIMIT 1")
        for l in loaded.values {
            let h = l.op.header
            var declaration: EvidenceMark?
            if let r = try Row.fetchOne(stair, arguments: [h.author.base64url, h.seq]), let w = Digest(bytes: [UInt8](r[2] as Data)) {
                declaration = DeclarationPoint(seq: r[0], time: r[1], witness: w).mark
            }
            let dag = l.lo.map { EvidenceMark.inPast($0.dept, clock: $0.clock, op: $0.id) }
            bounds[l.op.id] = .proven(own: h.clock.time, lo: EvidenceMark.lower(dag: dag, declaration: declaration),
                                      hi: l.hi.map { .heldBy($0.dept, clock: $0.clock, op: $0.id) })
        }
        var best = [String: StoredMark]()
        for r in try Row.fetchAll(db, sql: "SELECT time, ctr, op, dept FROM cited") {
            guard let m = StoredMark(r, at: 0) else { continue }
            if best[m.dept].map({ $0 < m }) ?? true { best[m.dept] = m }
        }
        let context = JudgeContext(rosters: rosters, now: now,
                                   evidence: StoredEvidence(bounds: bounds, cited: best.mapValues { ($0.clock.time, $0.id) }))
        return WorkflowView(workflow: wf, context: context, opsRead: loaded.count)
    }
}
