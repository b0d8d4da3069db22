import Foundation
import GRDB
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

extension ReadModelWriter {
    /// `refs`, `listings` and `wf_open` for one workflow operation. The
    /// operations it names are held (they are dependencies), so the order
    /// operations arrive in does not change the rows.
    func projectWorkflow(_ op: VerifiedOp, body: JSONValue, row: Int64, rosterSeq: Int64) throws {
        let kind = op.header.kind
        for ref in op.refs {
            try RawInsert.run(db.cachedStatement(sql: "INSERT OR IGNORE INTO refs(target, op) VALUES (?, ?)"), [.text(ref.id.hex), .int(row)], db: db)
            if memoInUse, let target = idx.row(of: ref.id) { try forgetVerdict(input: target) }
        }
        for key in ReadModel.subjectKeys(kind: kind, body: body) {
            try RawInsert.run(db.cachedStatement(sql: "INSERT OR IGNORE INTO subjects(key, op) VALUES (?, ?)"), [.text(key), .int(row)], db: db)
        }
        switch kind {
        case WorkflowKinds.approval:
            // R11: a 告知承诺 approval with a promised date is on its bureau's list to verify.
            if body["promisedDate"] != nil { try refreshVerification(approval: op.id, row: row) }
        case WorkflowKinds.verification:
            if let b = try? VerificationBody(json: body), let r = idx.row(of: b.approval) { try refreshVerification(approval: b.approval, row: r) }
        case WorkflowKinds.push:
            guard let b = try? PushBody(json: body), let recordKind = try kindOf(b.record) else { return }
            let policy = policy(atTime: op.header.clock.time)
            let limit = recordKind == WorkflowKinds.approval ? policy.claim : policy.bureauClaim
            try open(item: row, action: "claim", dept: b.to, workingDays: limit.workingDays, from: op.header.clock.time)
        case WorkflowKinds.inquiry:
            guard let b = try? InquiryBody(json: body) else { return }
            try open(item: row, action: "reply", dept: b.to, workingDays: b.workingDays, from: op.header.clock.time)
        case WorkflowKinds.revocationRequest:
            guard let b = try? RevocationRequestBody(json: body), let approval = idx.meta(of: b.approval) else { return }
            try open(item: row, action: "decide", dept: idx.replicaDepartment(of: approval.author) ?? "?", workingDays: nil, from: nil)
        case WorkflowKinds.claim:
            if let b = try? ClaimBody(json: body) {
                try close(b.push)
                try openCertificate(b.push)
            }
        case WorkflowKinds.liaisonRequest:
            // R15: on the regulator's list until the day the officer is needed is over.
            guard let b = try? LiaisonRequestBody(json: body) else { return }
            try open(item: row, action: "appoint", dept: b.to, workingDays: nil, from: nil,
                     fixedDeadline: ChinaStandardTime.startOfDayMillis(b.neededOn.adding(days: 1)))
        case WorkflowKinds.liaisonAppoint:
            if let b = try? LiaisonAppointBody(json: body) { try close(b.request) }
        case WorkflowKinds.certificate:
            if let b = try? CertificateBody(json: body), let r = idx.row(of: b.push) {
                try db.execute(sql: "DELETE FROM wf_open WHERE item = ? AND action = 'certify'", arguments: [r])
            }
        case WorkflowKinds.reply:
            if let b = try? ReplyBody(json: body) { try close(b.inquiry) }
        case WorkflowKinds.revocationDecision:
            if let b = try? RevocationDecisionBody(json: body) { try close(b.request) }
        case WorkflowKinds.supervision:
            if let b = try? SupervisionBody(json: body), b.listing != nil, let code = b.creditCode { try list(row, code) }
        case WorkflowKinds.warningList:
            if let b = try? WarningBody(json: body) { try list(row, b.creditCode) }
        case WorkflowKinds.inspectionNotice:
            // R14: on the regulator's list until the visit day is over (a fixed end, no working-day count).
            guard let b = try? InspectionNoticeBody(json: body) else { return }
            try open(item: row, action: "inspect", dept: b.to, workingDays: nil, from: nil,
                     fixedDeadline: ChinaStandardTime.startOfDayMillis(b.visitDate.adding(days: 1)))
        case WorkflowKinds.inspectionReport:
            guard let b = try? InspectionReportBody(json: body),
                  let notice = idx.operation(b.notice)?.body.flatMap({ try? InspectionNoticeBody(json: $0) }) else { return }
            try close(b.notice)
            try open(item: row, action: "countersign", dept: notice.to, workingDays: nil, from: nil)
        case WorkflowKinds.inspectionCountersign:
            if let b = try? CountersignBody(json: body) { try close(b.report) }
        case WorkflowKinds.reviewConvene: try refreshReview(op.id)
        case WorkflowKinds.reviewOpinion:
            if let b = try? ReviewOpinionBody(json: body) { try refreshReview(b.review) }
        case WorkflowKinds.reviewMinutes:
            if let b = try? ReviewMinutesBody(json: body) { try refreshReview(b.review) }
            try refreshMinutes(op.id)
        case WorkflowKinds.reviewAck:
            if let b = try? ReviewAckBody(json: body) { try refreshMinutes(b.minutes) }
        case WorkflowKinds.noticeIssue: try refreshNotice(op.id)
        case WorkflowKinds.noticeAck:
            if let b = try? NoticeAckBody(json: body) { try refreshNotice(b.notice) }
        case WorkflowKinds.drawRequest: try refreshDraw(op.id)
        case WorkflowKinds.drawCommit:
            if let b = try? DrawCommitBody(json: body) { try refreshDraw(b.request) }
        case WorkflowKinds.drawReveal:
            if let b = try? DrawRevealBody(json: body) { try refreshDraw(b.request) }
        default: break
        }
    }

    /// R16: a draw's rows from all it holds: each participant is addressed;
    /// `commit` until its commitment is held, then `reveal` once every
    /// participant's is held, until its reveal is.
    func refreshDraw(_ request: Digest) throws {
        guard let row = idx.row(of: request), let body = idx.operation(request)?.body, let b = try? DrawRequestBody(json: body) else { return }
        try db.execute(sql: "DELETE FROM wf_open WHERE item = ?", arguments: [row])
        let acts = try actingDepartments(naming: request, kinds: [WorkflowKinds.drawCommit, WorkflowKinds.drawReveal])
        let committed = acts[WorkflowKinds.drawCommit] ?? [], revealed = acts[WorkflowKinds.drawReveal] ?? []
        let all = committed.isSuperset(of: b.participants)
        for p in b.participants {
            try address(row, p)
            if !committed.contains(p) { try open(item: row, action: "commit", dept: p, workingDays: nil, from: nil) }
            else if all && !revealed.contains(p) { try open(item: row, action: "reveal", dept: p, workingDays: nil, from: nil) }
        }
    }

    /// R13: a review's rows from all it holds (so arrival order does not
    /// matter): every participant is addressed; `opine` for each that gave
    /// no opinion, until the meeting day is over; `conclude` for the
    /// convening bureau until minutes are held.
    func refreshReview(_ review: Digest) throws {
        guard let row = idx.row(of: review), let op = idx.operation(review), let body = op.body,
              let b = try? ReviewConveneBody(json: body), let convener = idx.replicaDepartment(of: op.header.author) else { return }
        try db.execute(sql: "DELETE FROM wf_open WHERE item = ?", arguments: [row])
        let acts = try actingDepartments(naming: review, kinds: [WorkflowKinds.reviewOpinion, WorkflowKinds.reviewMinutes])
        let answered = acts[WorkflowKinds.reviewOpinion] ?? []
        let concluded = acts[WorkflowKinds.reviewMinutes] != nil   // ingest admits the convener's only
        let end = ChinaStandardTime.startOfDayMillis(b.meetingDate.adding(days: 1))
        for p in b.participants {
            try address(row, p)
            if !answered.contains(p) { try open(item: row, action: "opine", dept: p, workingDays: nil, from: nil, fixedDeadline: end) }
        }
        if !concluded { try open(item: row, action: "conclude", dept: convener, workingDays: nil, from: nil) }
    }

    /// R13: minutes are on each recipient's list (`acknowledge`, no limit)
    /// until it acknowledges them.
    func refreshMinutes(_ minutes: Digest) throws {
        guard let row = idx.row(of: minutes), let body = idx.operation(minutes)?.body, let m = try? ReviewMinutesBody(json: body),
              let rb = idx.operation(m.review)?.body, let r = try? ReviewConveneBody(json: rb) else { return }
        try db.execute(sql: "DELETE FROM wf_open WHERE item = ?", arguments: [row])
        let acked = try actingDepartments(naming: minutes, kinds: [WorkflowKinds.reviewAck])[WorkflowKinds.reviewAck] ?? []
        for d in r.participants + (m.escalateTo.map { [$0] } ?? []) {
            try address(row, d)
            if !acked.contains(d) { try open(item: row, action: "acknowledge", dept: d, workingDays: nil, from: nil) }
        }
    }

    /// R19: each recipient of a notice is addressed, and has it on its
    /// list until its acknowledgement is held.
    func refreshNotice(_ notice: Digest) throws {
        guard let row = idx.row(of: notice), let body = idx.operation(notice)?.body, let n = try? NoticeBody(json: body) else { return }
        try db.execute(sql: "DELETE FROM wf_open WHERE item = ?", arguments: [row])
        let acked = try actingDepartments(naming: notice, kinds: [WorkflowKinds.noticeAck])[WorkflowKinds.noticeAck] ?? []
        for d in n.to {
            try address(row, d)
            if !acked.contains(d) { try open(item: row, action: "acknowledge", dept: d, workingDays: nil, from: nil) }
        }
    }

    /// By kind, the departments whose held acts (with their bodies) of
    /// `kinds` name `target` (the `refs` index): who answered, acknowledged,
    /// committed or revealed (R13, R16, R19).
    private func actingDepartments(naming target: Digest, kinds: [String]) throws -> [String: Set<String>] {
        var out = [String: Set<String>]()
        let marks = kinds.map { _ in "?" }.joined(separator: ", ")
        for r in try Row.fetchAll(db, sql: """
            SELECT o.kind, o.id FROM refs r JOIN ops o ON o.rowid = r.op WHERE r.target = ? AND o.kind IN (\(marks)) AND o.body IS NOT NULL
            """, arguments: StatementArguments([target.hex] + kinds)) {
            guard let id = Digest(hex: r[1] as String), let m = idx.meta(of: id), let d = idx.replicaDepartment(of: m.author) else { continue }
            out[r[0] as String, default: []].insert(d)
        }
        return out
    }

    private func address(_ row: Int64, _ dept: String) throws {
        try RawInsert.run(db.cachedStatement(sql: "INSERT OR IGNORE INTO addressed(dept, op) VALUES (?, ?)"), [.text(dept), .int(row)], db: db)
    }

    /// The rows an operation's body feeds, for one stored without it and
    /// whose body arrived later (`IngestWriter.fillBody`): the same rows a
    /// rebuild from the operations gives, whatever arrived in between.
    func fillBody(_ op: VerifiedOp, row: Int64, rosterSeq: Int64) throws {
        guard let body = op.body else { return }
        let kind = op.header.kind
        try forgetVerdict(input: row)
        if kind == WitnessOps.kind { try recordDeclarations(of: op, body: body) }
        guard WorkflowKinds.all.contains(kind) else { return }
        if kind == WorkflowKinds.push || kind == WorkflowKinds.inquiry {
            try db.execute(sql: "UPDATE op_time SET item = 1 WHERE op = ?", arguments: [row])
        }
        try projectWorkflow(op, body: body, row: row, rosterSeq: rosterSeq)
        // Its limit runs from its proven hi once another department held it.
        if let hi = try Int64.fetchOne(db, sql: "SELECT hi_time FROM op_time WHERE op = ?", arguments: [row]) {
            try updateDeadline(item: row, from: hi)
        }
        // An act on it that arrived before its body closed nothing then: close now.
        let closers = try Row.fetchAll(db, sql: "SELECT o.kind FROM refs r JOIN ops o ON o.rowid = r.op WHERE r.target = ? AND o.body IS NOT NULL",
                                       arguments: [op.id.hex])
        let closing: Set<String> = [WorkflowKinds.claim, WorkflowKinds.reply, WorkflowKinds.revocationDecision,
                                    WorkflowKinds.inspectionReport, WorkflowKinds.inspectionCountersign, WorkflowKinds.liaisonAppoint]
        if closers.contains(where: { closing.contains($0["kind"] as String) }) {
            try db.execute(sql: "DELETE FROM wf_open WHERE item = ?", arguments: [row])
            // A claimed push whose certificate is still due stays on the list as such (R17).
            if kind == WorkflowKinds.push, closers.contains(where: { ($0["kind"] as String) == WorkflowKinds.claim }) { try openCertificate(op.id) }
        }
    }

    /// After a roster change made at `since` (its operation's `time`): an
    /// open push written at or after it takes its limit's working days from
    /// the policy now in force at its time (a change that arrives late still
    /// reaches the pushes written after it, PROTOCOL.md §4.2); every open
    /// limit is computed again on the latest calendar.
    func recomputeDeadlines(since: Int64) throws {
        let pushes = try Row.fetchAll(db, sql: """
            SELECT w.item, o.id, o.time FROM wf_open w JOIN ops o ON o.rowid = w.item
            WHERE w.action = 'claim' AND o.time >= ?
            """, arguments: [since])
        for r in pushes {
            guard let id = Digest(hex: r[1] as String), let body = idx.operation(id)?.body, let b = try? PushBody(json: body),
                  let recordKind = try kindOf(b.record) else { continue }
            let policy = policy(atTime: r[2])
            let limit = recordKind == WorkflowKinds.approval ? policy.claim : policy.bureauClaim
            try db.cachedStatement(sql: "UPDATE wf_open SET working_days = ? WHERE item = ?").execute(arguments: [limit.workingDays, r[0] as Int64])
        }
        // R11 limits count from a promised date, on the calendar and policy now held.
        for r in try Row.fetchAll(db, sql: "SELECT w.item, o.id FROM wf_open w JOIN ops o ON o.rowid = w.item WHERE w.action = 'verify'") {
            if let id = Digest(hex: r[1] as String) { try refreshVerification(approval: id, row: r[0]) }
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT w.item, w.working_days, t.hi_time, o.time FROM wf_open w
            JOIN op_time t ON t.op = w.item JOIN ops o ON o.rowid = w.item WHERE w.working_days IS NOT NULL
            """)
        for r in rows {
            let from: Int64 = (r[2] as Int64?) ?? r[3]
            try setDeadline(item: r[0], deadline: deadline(from: from, workingDays: r[1]))
        }
    }

    /// The item's window now starts at `from` (its new `hi`).
    func updateDeadline(item: Int64, from: Int64) throws {
        guard let wd = try RawInsert.one(db.cachedStatement(sql: "SELECT working_days FROM wf_open WHERE item = ?"), [.int(item)], db: db, { $0.int(0) }),
              let wd else { return }
        try setDeadline(item: item, deadline: deadline(from: from, workingDays: Int(wd)))
    }

    private func setDeadline(item: Int64, deadline: Int64?) throws {
        try RawInsert.run(db.cachedStatement(sql: "UPDATE wf_open SET deadline = ? WHERE item = ?"), [deadline.map { .int($0) } ?? .null, .int(item)], db: db)
    }

    /// The limit's end (PROTOCOL.md §4.2), nil when the calendar lacks a year:
    /// such an item stays an inbox candidate and the view reports the gap.
    private func deadline(from: Int64, workingDays: Int) -> Int64? {
        try? Deadlines.limit(from: from, workingDays: workingDays, calendar: idx.calendar).deadlineMillis
    }

    /// The department that must act on a push, inquiry or revocation request.
    func addressee(_ op: VerifiedOp, body: JSONValue) throws -> String? {
        switch op.header.kind {
        case WorkflowKinds.push: return (try? PushBody(json: body))?.to
        case WorkflowKinds.inquiry: return (try? InquiryBody(json: body))?.to
        case WorkflowKinds.revocationRequest:
            guard let b = try? RevocationRequestBody(json: body), let approval = idx.meta(of: b.approval) else { return nil }
            return idx.replicaDepartment(of: approval.author) ?? "?"
        default: return nil
        }
    }

    private func open(item: Int64, action: String, dept: String, workingDays: Int?, from: Int64?, fixedDeadline: Int64? = nil) throws {
        try RawInsert.run(db.cachedStatement(sql: "INSERT OR IGNORE INTO addressed(dept, op) VALUES (?, ?)"), [.text(dept), .int(item)], db: db)
        let dl = fixedDeadline ?? workingDays.flatMap { wd in from.flatMap { deadline(from: $0, workingDays: wd) } }
        try RawInsert.run(db.cachedStatement(sql: "INSERT OR REPLACE INTO wf_open(item, action, dept, working_days, deadline) VALUES (?, ?, ?, ?, ?)"),
                          [.int(item), .text(action), .text(dept), workingDays.map { .int(Int64($0)) } ?? .null, dl.map { .int($0) } ?? .null], db: db)
    }

    /// R11: the approval's row on its bureau's list from all its held
    /// verifications (so arrival order does not matter): `verify` with the
    /// post-verification limit until the first, `reverify` until the end of
    /// the rectification period the latest (broken) one set, else none.
    func refreshVerification(approval: Digest, row: Int64) throws {
        guard let op = idx.operation(approval), let body = op.body, let a = try? ApprovalBody(json: body), let promised = a.promisedDate,
              let dept = idx.replicaDepartment(of: op.header.author) else { return }
        try db.execute(sql: "DELETE FROM wf_open WHERE item = ? AND action IN ('verify', 'reverify')", arguments: [row])
        let rows = try Row.fetchAll(db, sql: """
            SELECT o.body FROM refs r JOIN ops o ON o.rowid = r.op
            WHERE r.target = ? AND o.kind = ? AND o.body IS NOT NULL ORDER BY o.time DESC, o.ctr DESC, o.id DESC
            """, arguments: [approval.hex, WorkflowKinds.verification])   // ingest admits the issuing bureau's only
        if rows.isEmpty {
            let n = policy(atTime: op.header.clock.time).postVerification.workingDays
            let deadline = try? Deadlines.limit(from: ChinaStandardTime.startOfDayMillis(promised), workingDays: n, calendar: idx.calendar).deadlineMillis
            try open(item: row, action: "verify", dept: dept, workingDays: nil, from: nil, fixedDeadline: deadline)
        } else if let data = rows[0][0] as Data?, let latest = try? VerificationBody(json: try CanonicalJSON.parse([UInt8](data))), let cureBy = latest.cureBy {
            try open(item: row, action: "reverify", dept: dept, workingDays: nil, from: nil,
                     fixedDeadline: ChinaStandardTime.startOfDayMillis(cureBy.adding(days: 1)))
        }
    }

    /// R17: once a push asking for a certificate is claimed, the addressee
    /// issues the certificate within the push's limit (from the push's hi),
    /// unless one was issued already.
    private func openCertificate(_ push: Digest) throws {
        guard let body = idx.operation(push)?.body, let b = try? PushBody(json: body), let c = b.certificate, let row = idx.row(of: push) else { return }
        let issued = try Bool.fetchOne(db, sql: """
            SELECT EXISTS(SELECT 1 FROM refs r JOIN ops o ON o.rowid = r.op WHERE r.target = ? AND o.kind = ? AND o.body IS NOT NULL)
            """, arguments: [push.hex, WorkflowKinds.certificate]) ?? false
        guard !issued else { return }
        let from = try Int64.fetchOne(db, sql: "SELECT coalesce(t.hi_time, o.time) FROM ops o LEFT JOIN op_time t ON t.op = o.rowid WHERE o.rowid = ?",
                                      arguments: [row])
        try open(item: row, action: "certify", dept: b.to, workingDays: c.workingDays, from: from)
    }

    private func close(_ id: Digest) throws {
        guard let r = idx.row(of: id) else { return }
        try RawInsert.run(db.cachedStatement(sql: "DELETE FROM wf_open WHERE item = ?"), [.int(r)], db: db)
    }

    private func list(_ row: Int64, _ code: CreditCode) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO listings(op, credit_code) VALUES (?, ?)").execute(arguments: [row, code.value])
    }

    private func kindOf(_ id: Digest) throws -> String? {
        // The record was just checked by the ingest rules: usually cached.
        if let op = idx.operation(id) { return op.header.kind }
        return try String.fetchOne(db.cachedStatement(sql: "SELECT kind FROM ops WHERE id = ?"), arguments: [id.hex])
    }

    /// The policy in force at instant `t` (as `JudgeContext(rosters:)`).
    private func policy(atTime t: Int64) -> Policy {
        RosterState.inForce(at: t, in: idx.rosterVersions)?.policy ?? .liaocheng
    }
}
