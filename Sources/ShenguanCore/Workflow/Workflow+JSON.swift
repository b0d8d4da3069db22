import ShenguanCalendar
import ShenguanCrypto

extension Workflow {
    /// The time-independent facts, in canonical form: part of `state --digest`
    /// (PROTOCOL.md §6), equal on replicas holding the same operations. The
    /// entry functions below are shared with the streaming digest.
    public var factsJSON: JSONValue {
        .object([
            "approvals": .array(approvals.values.sorted { $0.act.id < $1.act.id }.map(factJSON)),
            "pushes": .array(pushes.values.sorted { $0.act.id < $1.act.id }.map(Self.factJSON)),
            "supervision": .array(supervision.values.sorted { $0.act.id < $1.act.id }.map(Self.factJSON)),
            "warnings": .array(warnings.values.sorted { $0.source < $1.source }.map(Self.factJSON)),
            "requests": .array(requests.values.sorted { $0.act.id < $1.act.id }.map(Self.factJSON)),
            "inquiries": .array(inquiries.values.sorted { $0.act.id < $1.act.id }.map(Self.factJSON)),
            "attachments": .array(attachments.values.map { .string($0.id.hex) }.sorted { $0.stringValue! < $1.stringValue! }),
        ])
    }

    static func factIDs(_ acts: [Act]) -> JSONValue { .array(acts.map { .string($0.id.hex) }.sorted { $0.stringValue! < $1.stringValue! }) }

    /// An approval's facts: its status and current contact need the rest of the workflow.
    public func factJSON(_ a: Approval) -> JSONValue {
        .object(["id": .string(a.act.id.hex), "department": .string(a.act.department), "licenceNo": .string(a.body.licenceNo),
                 "creditCode": .string(a.body.creditCode.value), "status": .string(licenceStatus(a.act.id)),
                 "contact": .array(fieldValues(a.act.id, field: "contact").map { .string($0.value) }),
                 "alerts": .array(a.body.alerts.map { .string($0.hex) })])
    }

    public static func factJSON(_ p: Push) -> JSONValue {
        .object(["id": .string(p.act.id.hex), "record": .string(p.body.record.hex), "from": .string(p.act.department),
                 "to": .string(p.body.to), "via": p.body.via.map { .string($0.hex) } ?? .null,
                 "claims": factIDs(p.claims), "feedback": factIDs(p.feedback)])
    }

    public static func factJSON(_ s: Supervision) -> JSONValue {
        .object(["id": .string(s.act.id.hex), "category": .string(s.body.category),
                 "creditCode": s.body.creditCode.map { .string($0.value) } ?? .null])
    }

    public static func factJSON(_ w: WarningEntry) -> JSONValue {
        .object(["source": .string(w.source.hex), "creditCode": .string(w.creditCode.value), "level": .string(w.level),
                 "delisted": w.delisted.map { .string($0.hex) } ?? .null])
    }

    public static func factJSON(_ r: RevocationRequest) -> JSONValue {
        .object(["id": .string(r.act.id.hex), "approval": .string(r.body.approval.hex), "action": .string(r.body.action),
                 "decisions": factIDs(r.decisions)])
    }

    public static func factJSON(_ q: Inquiry) -> JSONValue {
        .object(["id": .string(q.act.id.hex), "to": .string(q.body.to), "replies": factIDs(q.replies)])
    }

    public static func json(_ v: Verdict) -> JSONValue {
        func bounds(_ b: TimeBounds?) -> JSONValue {
            guard let b else { return .null }
            return .object(["own": .int(b.own), "lo": b.lo == .min ? .null : .int(b.lo), "hi": b.hi == .max ? .null : .int(b.hi),
                            "loBy": b.loOp.map { .string($0.hex) } ?? .null, "hiBy": b.hiOp.map { .string($0.hex) } ?? .null])
        }
        var o: [String: JSONValue] = ["outcome": .string(v.outcome.rawValue), "basis": .string(v.basis.rawValue), "rule": .string(v.rule),
                 "start": bounds(v.start), "actBounds": bounds(v.actBounds), "provisionalStart": .bool(v.provisionalStart),
                 "workingDays": .int(Int64(v.due.workingDays)), "lastDay": .string(v.due.lastDay.iso),
                 "limit": .string(v.due.deadlineRFC3339), "act": v.act.map { .string($0.hex) } ?? .null,
                 "evidence": .string(v.evidence)]
        // §4.2: a limit judged on the provisional rule says so (absent otherwise).
        if v.provisional { o["provisionalCalendar"] = .bool(true) }
        return .object(o)
    }

    public func json(_ s: PushStatus) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(s.push.act.id.hex), "kind": .string("push"), "record": .string(s.push.body.record.hex),
            "recordKind": .string(s.push.recordKind), "title": .string(title(ofRecord: s.push.body.record)),
            "from": .string(s.push.act.department), "to": .string(s.push.body.to), "pushedAt": .string(ChinaStandardTime.rfc3339CST(millis: s.push.act.time)),
            "status": .string(s.label), "claim": Self.json(s.claim), "responsible": s.responsible.map { .string($0) } ?? .null,
            "claimedBy": s.push.claims.first.map { actJSON($0) } ?? .null,
        ]
        if let via = s.push.body.via { o["via"] = .string(via.hex) }
        if let p = s.pushLimit { o["pushLimit"] = Self.json(p) }
        if let f = s.feedback { o["feedback"] = Self.json(f) }
        if let c = s.certificate {
            var j = Self.json(c).objectValue ?? [:]
            j["limitBasis"] = s.push.body.certificate.map { .string($0.basis) } ?? .null
            j["issuedBy"] = s.push.certificates.first.map { actJSON($0) } ?? .null
            j["certificateNo"] = s.push.certificates.first?.op.body?["certificateNo"] ?? .null
            o["certificate"] = .object(j)
        }
        return .object(o)
    }

    public func json(_ s: InquiryStatus) -> JSONValue {
        .object(["id": .string(s.inquiry.act.id.hex), "kind": .string("inquiry"), "from": .string(s.inquiry.act.department),
                 "to": .string(s.inquiry.body.to), "subject": .string(s.inquiry.body.subject), "status": .string(s.label),
                 "verdict": Self.json(s.verdict), "responsible": s.responsible.map { .string($0) } ?? .null, "final": .bool(s.isFinal),
                 "replies": .array(s.inquiry.replies.map { actJSON($0) })])
    }

    /// Who did it, when, for which department (R3).
    /// An act as JSON; `staffEndedOn` only when its staff registration was
    /// ended (`staff.end`) before the act's date.
    public func actJSON(_ a: Act) -> JSONValue {
        var o: [String: JSONValue] = ["id": .string(a.id.hex), "kind": .string(a.op.header.kind), "department": .string(a.department),
                                      "staff": a.staff.map { .string("\($0.name) (\($0.staffNo))") } ?? .null,
                                      "time": .string(ChinaStandardTime.rfc3339CST(millis: a.time))]
        if let m = a.staff, let ended = m.endedOn, !m.mayAct(atMillis: a.time) { o["staffEndedOn"] = .string(ended.iso) }
        return .object(o)
    }

    /// Working days and hours left before an item's limit (`inbox`): the
    /// limit's counted working days not yet over, today included when it is
    /// one of them (a 2-working-day limit shows at most 2), and whole hours.
    public static func timeLeft(_ due: WorkingDayCalendar.Due, now: Int64, calendar: WorkingDayCalendar) -> (workingDays: Int, hours: Int64) {
        let today = ChinaStandardTime.civilDate(atMillis: now)
        let days = now >= due.deadlineMillis ? 0 : due.countedDays.filter { $0 >= today }.count
        return (days, max(0, due.deadlineMillis - now) / 3_600_000)
    }

    public func json(_ item: InboxItem, _ ctx: JudgeContext) -> JSONValue {
        var o: [String: JSONValue] = ["id": .string(item.id.hex), "action": .string(item.action), "rule": .string(item.rule),
                                      "title": .string(item.title), "from": .string(item.from),
                                      "since": .string(ChinaStandardTime.rfc3339CST(millis: item.since))]
        if let due = item.due {
            let left = Self.timeLeft(due, now: ctx.now, calendar: ctx.calendar)
            o["limit"] = .string(due.deadlineRFC3339)
            o["workingDaysLeft"] = .int(Int64(left.workingDays))
            o["hoursLeft"] = .int(left.hours)
            if ctx.calendar.isProvisional(due) { o["provisionalCalendar"] = .bool(true) }
        }
        return .object(o)
    }
}
