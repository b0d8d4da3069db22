import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// A joint site inspection to announce (R14 联合勘验).
public struct InspectionRequest: Sendable {
    /// The regulator invited.
    public var to: String
    public var visitDate: CivilDate
    public var place: String, subject: String
    /// The licence concerned: id, prefix or licence number.
    public var approval: String?
    public var staff: String?
    public init(to: String, visitDate: CivilDate, place: String, subject: String) {
        self.to = to; self.visitDate = visitDate; self.place = place; self.subject = subject
    }
}

extension Clerk {
    /// Announces a joint site inspection to a regulator (bureau only, R14).
    /// Refused, before anything is signed, when the notice could no longer
    /// be one working day ahead; the verdict says whether the evidence
    /// proves it was.
    public func noticeInspection(_ r: InspectionRequest) throws(ReplicaError) -> (op: VerifiedOp, verdict: Verdict?, workflow: Workflow) {
        let approval = try r.approval.map { a throws(ReplicaError) in try resolve(a, kind: WorkflowKinds.approval, what: "an approval", zh: "审批（许可）") }
        return try run {
            try checkDepartment(r.to)
            guard let role = roster.departments[r.to]?.role, Permissions.refusal(kind: WorkflowKinds.inspectionCountersign, role: role, isRoot: false) == nil else {
                throw ReplicaError("inspection.not_regulator", "\(r.to) is not a regulator: a joint inspection is announced to the regulator that inspects with the bureau (R14). Nothing was written.",
                                   zh: "\(r.to) 不是监管部门：联合勘验须通知共同勘验的监管部门（R14）。未写入任何内容。")
            }
            guard let due = Workflow.noticeDue(visit: r.visitDate, calendar: roster.calendar) else {
                throw ReplicaError("calendar.no_table", "No working day is known before \(r.visitDate.iso).")
            }
            guard now < due.deadlineMillis else {
                throw ReplicaError("inspection.notice_late", "R14: a joint inspection is announced at least one working day ahead: for a visit on \(r.visitDate.iso) the notice was due by \(ClerkTime.limit(due, now: now)). Choose a later visit date. Nothing was written.",
                                   zh: "R14：联合勘验须至少提前 1 个工作日通知：\(r.visitDate.iso) 的勘验应在 \(ClerkTime.limit(due, now: now)) 前通知。请改选较晚的勘验日期。未写入任何内容。")
            }
            var body: [String: JSONValue] = ["to": .string(r.to), "visitDate": .string(r.visitDate.iso), "place": .string(r.place), "subject": .string(r.subject)]
            if let approval { body["approval"] = .string(approval.id.hex) }
            _ = try InspectionNoticeBody(json: .object(body))
            let op = try append(WorkflowKinds.inspectionNotice, body, staff: try staffID(r.staff))
            let (wf, ctx2) = try item(op.id)
            return (op, wf.inspections[op.id].flatMap { wf.noticeVerdict(of: $0, ctx2) }, wf)
        }
    }

    /// Writes the joint report of an inspection this department announced
    /// (R14); the regulator then countersigns it. One report per inspection,
    /// on or after the visit day.
    public func reportInspection(_ notice: String, findings: String, result: String?, staff: String?) throws(ReplicaError) -> ActResult {
        let n = try resolve(notice, kind: WorkflowKinds.inspectionNotice, what: "an inspection notice", zh: "勘验通知")
        return try run {
            let (dept, now) = (department, self.now)
            var body: [String: JSONValue] = ["notice": .string(n.id.hex), "findings": .string(findings)]
            if let result { body["result"] = .string(result) }
            _ = try InspectionReportBody(json: .object(body))
            let op = try append(WorkflowKinds.inspectionReport, body, staff: try staffID(staff), checking: (n.id, { wf, _ in
                guard let i = wf.inspections[n.id] else { return }
                guard i.act.department == dept else {
                    throw ReplicaError("workflow.not_addressee", "The inspection was announced by \(wf.name(of: i.act.department)); only that department writes its report (R14). Nothing was written.",
                                       zh: "该勘验由 \(wf.name(of: i.act.department)) 通知，只有该部门可以出具勘验报告（R14）。未写入任何内容。")
                }
                guard ChinaStandardTime.civilDate(atMillis: now) >= i.body.visitDate else {
                    throw ReplicaError("inspection.before_visit", "The visit is on \(i.body.visitDate.iso): its report is written on or after that day. Nothing was written.",
                                       zh: "勘验日期为 \(i.body.visitDate.iso)：勘验报告须在当日或之后出具。未写入任何内容。")
                }
                if let r = i.reports.first {
                    throw ReplicaError("inspection.already_reported", "This inspection already has its report [\(r.act.id.hex.prefix(12))] by \(ItemReport.who(wf, r.act, now: now)). Nothing was written.",
                                       zh: "该勘验已有勘验报告（\(ItemReport.who(wf, r.act, now: now))）。未写入任何内容。")
                }
            }))
            return ActResult(op: op, json: .object(["report": .string(op.id.hex), "notice": .string(n.id.hex)]),
                             text: "report \(op.id.hex)  awaiting the regulator's countersignature (R14)")
        }
    }

    /// Countersigns the joint report of an inspection this department was
    /// notified of (R14): agreeing, or not with its reasons. Once.
    public func countersignInspection(_ report: String, agree: Bool, text: String?, staff: String?) throws(ReplicaError) -> ActResult {
        let r = try resolve(report, kind: WorkflowKinds.inspectionReport, what: "an inspection report", zh: "勘验报告")
        return try run {
            guard agree || !(text ?? "").isEmpty else {
                throw ReplicaError("inspection.reasons", "Not agreeing with a joint report needs your reasons (--text). Nothing was written.",
                                   zh: "不同意勘验报告须写明理由（--text）。未写入任何内容。")
            }
            let (dept, now) = (department, self.now)
            var body: [String: JSONValue] = ["report": .string(r.id.hex), "agree": .bool(agree)]
            if let text, !text.isEmpty { body["text"] = .string(text) }
            _ = try CountersignBody(json: .object(body))
            let op = try append(WorkflowKinds.inspectionCountersign, body, staff: try staffID(staff), checking: (r.id, { wf, _ in
                guard let n = wf.inspectionOf[r.id], let i = wf.inspections[n] else { return }
                guard i.body.to == dept else {
                    throw ReplicaError("workflow.not_addressee", "The inspection was announced to \(wf.name(of: i.body.to)); only that department countersigns its report (R14). Nothing was written.",
                                       zh: "该勘验通知的是 \(wf.name(of: i.body.to))，只有该部门可以会签勘验报告（R14）。未写入任何内容。")
                }
                if let c = i.reports.first(where: { $0.act.id == r.id })?.countersigns.first {
                    throw ReplicaError("inspection.already_signed", "This report was already countersigned by \(ItemReport.who(wf, c, now: now)). Nothing was written.",
                                       zh: "该报告已由 \(ItemReport.who(wf, c, now: now)) 会签。未写入任何内容。")
                }
            }))
            return ActResult(op: op, json: .object(["countersign": .string(op.id.hex), "report": .string(r.id.hex), "agree": .bool(agree)]),
                             text: "countersign \(op.id.hex)  the joint report is signed by both departments (R14)")
        }
    }
}
