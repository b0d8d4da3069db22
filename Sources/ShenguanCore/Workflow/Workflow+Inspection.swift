import ShenguanCalendar
import ShenguanCrypto

/// R14 (002 第十一条): the bureau announces a joint site inspection to a
/// regulator at least one working day ahead, and the two issue a joint
/// report: the bureau's `inspection.report`, countersigned by the
/// regulator's `inspection.countersign` (its signature covers the report's
/// id, which covers the report's body hash: two signatures over one body).
public struct InspectionNoticeBody: Equatable, Sendable {
    public let to: String, visitDate: CivilDate, place: String, subject: String, approval: Digest?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.inspectionNotice, json, allowed: ["to", "visitDate", "place", "subject", "approval"])
        to = try r.department("to"); visitDate = try r.date("visitDate")!
        place = try r.string("place", max: 200); subject = try r.string("subject", max: 200)
        approval = try r.id("approval", optional: true)
    }
}

/// R14: the joint report of an inspection, written by the bureau that announced it.
public struct InspectionReportBody: Equatable, Sendable {
    public let notice: Digest, findings: String, result: String?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.inspectionReport, json, allowed: ["notice", "findings", "result"])
        notice = try r.id("notice")!; findings = try r.string("findings"); result = try r.text("result", max: 500, optional: true)
    }
}

/// R14: the notified regulator's signature on a joint report (agreeing, or
/// not, with its reasons).
public struct CountersignBody: Equatable, Sendable {
    public let report: Digest, agree: Bool, text: String?
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.inspectionCountersign, json, allowed: ["report", "agree", "text"])
        report = try r.id("report")!; agree = try r.bool("agree"); text = try r.text("text", optional: true)
        if !agree && text == nil { throw r.bad("text", "is required when the regulator does not agree (its reasons)") }
    }
}

extension Workflow {
    /// A joint inspection: the notice, its reports and their countersignatures.
    public struct Inspection: Sendable {
        public let act: Act
        public let body: InspectionNoticeBody
        public var reports: [InspectionReport] = []
    }
    public struct InspectionReport: Sendable {
        public let act: Act
        public let body: InspectionReportBody
        /// Signatures of the notified regulator (the first counts).
        public var countersigns: [Act] = []
        /// Whether both departments have signed it (the joint report is issued).
        public var isJoint: Bool { !countersigns.isEmpty }
    }

    /// The R14 notice limit: 24:00 CST of the last working day before the
    /// visit (PROTOCOL.md §4.2): notified that day or earlier is one working
    /// day ahead. Nil when no working day is found in the 60 days before
    /// (no calendar reaches that far back).
    public static func noticeDue(visit: CivilDate, calendar: WorkingDayCalendar) -> WorkingDayCalendar.Due? {
        var d = visit.adding(days: -1)
        for _ in 0..<60 {
            if calendar.isWorkingDayOrProvisional(d) {
                return WorkingDayCalendar.Due(eventDay: visit, workingDays: 1, lastDay: d,
                                              deadlineMillis: ChinaStandardTime.startOfDayMillis(d.adding(days: 1)), countedDays: [d])
            }
            d = d.adding(days: -1)
        }
        return nil
    }

    /// Whether a notice was given one working day ahead (R14), judged on
    /// its own time bounds like a push-back (the act is the notice itself).
    public func noticeVerdict(of i: Inspection, _ ctx: JudgeContext) -> Verdict? {
        guard let due = Self.noticeDue(visit: i.body.visitDate, calendar: ctx.calendar) else { return nil }
        let policy = ctx.policyAt(i.act.time)
        var v = Deadlines.decide(rule: "R14", due: due, act: (i.act.id, ctx.evidence.bounds(of: i.act.op)),
                                 graceMillis: policy.graceMillis, now: ctx.now)
        v.actBounds = ctx.evidence.bounds(of: i.act.op)
        v.provisional = ctx.calendar.isProvisional(due)
        return v
    }

    /// The 24:00 of the visit day: until then a notice is on the regulator's list.
    static func visitEnd(_ b: InspectionNoticeBody) -> WorkingDayCalendar.Due {
        WorkingDayCalendar.Due(eventDay: b.visitDate, workingDays: 0, lastDay: b.visitDate,
                               deadlineMillis: ChinaStandardTime.startOfDayMillis(b.visitDate.adding(days: 1)), countedDays: [])
    }

    /// What R14 puts on a department's list: a notice addressed to it until
    /// the visit day is over or its report is written (`inspect`), and a
    /// joint report it has not signed yet (`countersign`, no limit).
    func inspectionItems(for department: String, now: Int64) -> [InboxItem] {
        var items = [InboxItem]()
        for i in inspections.values where i.body.to == department {
            let end = Self.visitEnd(i.body)
            if i.reports.isEmpty && now < end.deadlineMillis {
                items.append(InboxItem(id: i.act.id, action: "inspect", rule: "R14", title: "\(i.body.subject) · \(i.body.place)",
                                       from: i.act.department, since: i.act.time, due: end))
            }
            for r in i.reports where r.countersigns.isEmpty {
                items.append(InboxItem(id: r.act.id, action: "countersign", rule: "R14", title: "\(i.body.subject) · \(i.body.place)",
                                       from: r.act.department, since: r.act.time, due: nil))
            }
        }
        return items
    }

    mutating func placeInspection(_ act: Act, body: JSONValue) {
        if let b = try? InspectionNoticeBody(json: body) { inspections[act.id] = Inspection(act: act, body: b) }
    }

    /// A report counts only from the department that gave the notice, a
    /// countersignature only from the department notified (§4.4).
    mutating func linkInspection(_ act: Act, body: JSONValue) {
        switch act.op.header.kind {
        case WorkflowKinds.inspectionReport:
            guard let b = try? InspectionReportBody(json: body), inspections[b.notice]?.act.department == act.department else { return }
            inspections[b.notice]?.reports.append(InspectionReport(act: act, body: b))
            inspectionOf[act.id] = b.notice
        case WorkflowKinds.inspectionCountersign:
            guard let b = try? CountersignBody(json: body), let n = inspectionOf[b.report], let i = inspections[n], i.body.to == act.department,
                  let k = i.reports.firstIndex(where: { $0.act.id == b.report }) else { return }
            inspections[n]?.reports[k].countersigns.append(act)
        default: break
        }
    }
}
