import ShenguanCalendar
import ShenguanCrypto

/// What the limits are judged with: the one place time enters the workflow
/// (issue #4 item 7). Swap `evidence` for proven intervals and every view follows.
public struct JudgeContext: Sendable {
    public let calendar: WorkingDayCalendar
    /// The policy in force at an instant (ms): that of the roster version
    /// in force then (PROTOCOL.md §4.2). A limit is judged with the policy
    /// in force at its subject's own `time` (the push, the inquiry).
    public let policyAt: @Sendable (Int64) -> Policy
    public let evidence: any TimeEvidence
    public let now: Int64

    public init(calendar: WorkingDayCalendar, policyAt: @escaping @Sendable (Int64) -> Policy,
                evidence: any TimeEvidence = AuthorClockEvidence(), now: Int64) {
        self.calendar = calendar; self.policyAt = policyAt; self.evidence = evidence; self.now = now
    }

    /// Judging under a replica's roster versions (in version order): each
    /// limit's policy is the one in force at its subject's time; the
    /// calendar is the latest roster's.
    public init(rosters: [RosterState], now: Int64, evidence: any TimeEvidence = AuthorClockEvidence()) {
        self.init(calendar: rosters.last?.calendar ?? OfficialCalendar.calendar,
                  policyAt: { t in RosterState.inForce(at: t, in: rosters)?.policy ?? .liaocheng },
                  evidence: evidence, now: now)
    }
}

extension Workflow {
    /// The status of one push (R2 claim by a regulator, R7 claim by the bureau).
    public struct PushStatus: Sendable {
        public let push: Push
        public let claim: Verdict
        /// R7: whether a supervision record was pushed within its limit of publication.
        public let pushLimit: Verdict?
        /// R4: feedback (when any) within its limit.
        public let feedback: Verdict?
        /// R17: the certificate the push asks for, within its limit.
        public var certificate: Verdict? = nil
        /// pending, claimed_on_time, claimed_late, auto_claimed (R2).
        public var label: String {
            switch claim.outcome {
            case .open: "pending"
            case .onTime: "claimed_on_time"
            case .late: "claimed_late"
            case .lapsed: "auto_claimed"
            case .awaitingWitness: "claimed_awaiting_witness"
            }
        }
        /// The department responsible for a late or missed claim (R2, R24).
        public var responsible: String? { claim.outcome == .late || claim.outcome == .lapsed ? push.body.to : nil }
    }

    public func status(of p: Push, _ ctx: JudgeContext) throws(CalendarError) -> PushStatus {
        let policy = ctx.policyAt(p.act.op.header.clock.time)
        let fromBureau = p.recordKind == WorkflowKinds.approval
        let limit = fromBureau ? policy.claim : policy.bureauClaim
        let start = ctx.evidence.bounds(of: p.act.op)
        let claim = try Deadlines.judge(rule: limit.rule, start: start, workingDays: limit.workingDays,
                                        act: earliest(p.claims, ctx), calendar: ctx.calendar, graceMillis: policy.graceMillis, now: ctx.now)
        var pushLimit: Verdict?
        if !fromBureau, p.body.via == nil, let rec = supervision[p.body.record] {
            if roster?.departments[p.body.to]?.role == .credit {
                // R20: to the credit platform within N working days of the decision (its day not counted).
                let decided = ChinaStandardTime.startOfDayMillis(rec.body.decisionDate)
                pushLimit = try Deadlines.judge(rule: policy.creditPush.rule, start: .instant(decided, source: "decision date \(rec.body.decisionDate.iso)"),
                                                workingDays: policy.creditPush.workingDays, act: (p.act.id, ctx.evidence.bounds(of: p.act.op)),
                                                calendar: ctx.calendar, graceMillis: policy.graceMillis, now: ctx.now)
            } else {
                // R7: within N working days of publishing the decision (the publication day not counted).
                let published = ChinaStandardTime.startOfDayMillis(rec.body.publishedDate)
                pushLimit = try Deadlines.judge(rule: policy.pushBack.rule, start: .instant(published, source: "publication date \(rec.body.publishedDate.iso)"), workingDays: policy.pushBack.workingDays,
                                                act: (p.act.id, ctx.evidence.bounds(of: p.act.op)), calendar: ctx.calendar,
                                                graceMillis: policy.graceMillis, now: ctx.now)
            }
        }
        var feedback: Verdict?
        if !p.feedback.isEmpty {
            feedback = try Deadlines.judge(rule: policy.feedback.rule, start: start, workingDays: policy.feedback.workingDays,
                                           act: earliest(p.feedback, ctx), calendar: ctx.calendar, graceMillis: policy.graceMillis, now: ctx.now)
        }
        var certificate: Verdict?
        if let c = p.body.certificate {
            // R17: issued within the legal or promised limit, counted like the claim from the push's hi.
            certificate = try Deadlines.judge(rule: "R17", start: start, workingDays: c.workingDays, act: earliest(p.certificates, ctx),
                                              calendar: ctx.calendar, graceMillis: policy.graceMillis, now: ctx.now)
        }
        return PushStatus(push: p, claim: claim, pushLimit: pushLimit, feedback: feedback, certificate: certificate)
    }

    /// The statuses of every push of a record (incl. relays), by push id.
    public func pushStatuses(of record: Digest, _ ctx: JudgeContext) throws(CalendarError) -> [PushStatus] {
        var out = [PushStatus]()
        for p in pushes.values.filter({ $0.body.record == record }).sorted(by: { $0.act.id < $1.act.id }) { out.append(try status(of: p, ctx)) }
        return out
    }

    /// The status of an inquiry (R12): replied, or deemed consent at the limit.
    public struct InquiryStatus: Sendable {
        public let inquiry: Inquiry
        public let verdict: Verdict
        public var label: String {
            switch verdict.outcome {
            case .open: "awaiting_reply"
            case .onTime: (inquiry.replies.first?.op.body?["consent"]?.boolValue ?? false) ? "consented" : "objected"
            case .late, .lapsed: "deemed_consent"
            case .awaitingWitness: "replied_awaiting_witness"
            }
        }
        /// The silent (or late) party bears responsibility (R12).
        public var responsible: String? { verdict.outcome == .late || verdict.outcome == .lapsed ? inquiry.body.to : nil }
        /// Closed: replied on time, or the limit has passed.
        public var isClosed: Bool { verdict.outcome != .open }
        /// Deemed consent is final once the silent party's chain is seen by
        /// another department past the limit plus grace (nil: no evidence kept).
        public let finalBy: (time: Int64, op: Digest)?
        public let isFinal: Bool
    }

    public func status(of q: Inquiry, _ ctx: JudgeContext) throws(CalendarError) -> InquiryStatus {
        let policy = ctx.policyAt(q.act.op.header.clock.time)
        let v = try Deadlines.judge(rule: "R12", start: ctx.evidence.bounds(of: q.act.op), workingDays: q.body.workingDays,
                                    act: earliest(q.replies, ctx), calendar: ctx.calendar, graceMillis: policy.graceMillis, now: ctx.now)
        var finalBy: (time: Int64, op: Digest)?
        var isFinal = v.outcome != .open && v.outcome != .awaitingWitness
        if v.outcome == .lapsed, ctx.evidence.isProven {
            finalBy = ctx.evidence.lastCited(department: q.body.to)
            isFinal = (finalBy?.time ?? .min) >= v.due.deadlineMillis + policy.graceMillis
        }
        return InquiryStatus(inquiry: q, verdict: v, finalBy: finalBy, isFinal: isFinal)
    }

    /// The act with the earliest evidence (hi, then id): the one that counts.
    func earliest(_ acts: [Act], _ ctx: JudgeContext) -> (id: Digest, bounds: TimeBounds)? {
        acts.map { ($0.id, ctx.evidence.bounds(of: $0.op)) }.min { ($0.1.hi, $0.0) < ($1.1.hi, $1.0) }
    }

    /// One thing a department must act on (`shenguan inbox`).
    public struct InboxItem: Sendable {
        public let id: Digest
        /// claim, reply, decide (R2/R7, R12, R10).
        public let action: String
        public let rule: String
        public let title: String
        public let from: String
        public let since: Int64
        public let due: WorkingDayCalendar.Due?

        public init(id: Digest, action: String, rule: String, title: String, from: String, since: Int64, due: WorkingDayCalendar.Due?) {
            self.id = id; self.action = action; self.rule = rule; self.title = title; self.from = from; self.since = since; self.due = due
        }
    }

    /// What `department` must act on, oldest limit first, to-dos without a limit last.
    public func inbox(for department: String, _ ctx: JudgeContext) throws(CalendarError) -> [InboxItem] {
        var items = [InboxItem]()
        for p in pushes.values where p.body.to == department && p.claims.isEmpty {
            let s = try status(of: p, ctx)
            guard s.claim.outcome == .open else { continue }
            items.append(InboxItem(id: p.act.id, action: "claim", rule: s.claim.rule, title: title(ofRecord: p.body.record),
                                   from: p.act.department, since: p.act.time, due: s.claim.due))
        }
        for q in inquiries.values where q.body.to == department {
            let s = try status(of: q, ctx)
            guard s.verdict.outcome == .open else { continue }
            items.append(InboxItem(id: q.act.id, action: "reply", rule: "R12", title: q.body.subject, from: q.act.department,
                                   since: q.act.time, due: s.verdict.due))
        }
        for r in requests.values where r.decisions.isEmpty && approvals[r.body.approval]?.act.department == department {
            items.append(InboxItem(id: r.act.id, action: "decide", rule: "R10", title: "\(r.body.action): \(title(ofRecord: r.body.approval))",
                                   from: r.act.department, since: r.act.time, due: nil))
        }
        // R17: a claimed push whose certificate is still to be issued.
        for p in pushes.values where p.body.to == department && !p.claims.isEmpty && p.certificates.isEmpty && p.body.certificate != nil {
            let s = try status(of: p, ctx)
            guard let c = s.certificate, c.outcome == .open else { continue }
            items.append(InboxItem(id: p.act.id, action: "certify", rule: "R17", title: title(ofRecord: p.body.record),
                                   from: p.act.department, since: p.act.time, due: c.due))
        }
        items += inspectionItems(for: department, now: ctx.now)
        items += liaisonItems(for: department, now: ctx.now)
        items += reviewItems(for: department, now: ctx.now)
        items += drawItems(for: department)
        items += noticeItems(for: department)
        items += try verificationItems(for: department, ctx)
        return items.sorted {
            ($0.due?.deadlineMillis ?? .max, $0.since, $0.id) < ($1.due?.deadlineMillis ?? .max, $1.since, $1.id)
        }
    }

    /// A short title for an approval or supervision record.
    public func title(ofRecord id: Digest) -> String {
        if let a = approvals[id] { return "\(a.body.itemName) · \(a.body.applicantName) · \(a.body.licenceNo)" }
        if let s = supervision[id] { return "\(SupervisionBody.names[s.body.category] ?? s.body.category) · \(s.body.subjectName ?? s.body.summary)" }
        return id.hex.prefix(12) + "…"
    }

    /// Concurrent edits kept side by side (issue #4 item 6): corrections of one
    /// field with several current values, and disagreeing revocation decisions.
    public struct Conflict: Sendable {
        public let target: Digest
        public let field: String
        public let values: [(value: String, by: Digest?)]
    }

    public var conflicts: [Conflict] {
        var out = [Conflict]()
        let fields = Set(corrections.values.map { [$0.body.approval.hex, $0.body.field] })
        for f in fields.sorted(by: { $0.joined() < $1.joined() }) {
            let target = Digest(hex: f[0])!
            let values = fieldValues(target, field: f[1])
            if values.count > 1 { out.append(Conflict(target: target, field: f[1], values: values)) }
        }
        for r in requests.values.sorted(by: { $0.act.id < $1.act.id }) where Set(r.decisions.compactMap { $0.op.body?["grant"]?.boolValue }).count > 1 {
            out.append(Conflict(target: r.act.id, field: "decision",
                                values: r.decisions.map { (($0.op.body?["grant"]?.boolValue ?? false) ? "grant" : "decline", $0.id) }))
        }
        return out
    }
}
