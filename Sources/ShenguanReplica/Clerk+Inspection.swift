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

extension Clerk {
    /// Asks a regulator for a liaison officer (bureau only, R15), at least a
    /// day before the day needed; optionally for an announced inspection.
    public func requestLiaison(to: String, neededOn: CivilDate, purpose: String, notice: String?, staff: String?) throws(ReplicaError) -> ActResult {
        let n = try notice.map { s throws(ReplicaError) in try resolve(s, kind: WorkflowKinds.inspectionNotice, what: "an inspection notice", zh: "勘验通知") }
        return try run {
            try checkDepartment(to)
            guard now < ChinaStandardTime.startOfDayMillis(neededOn) else {
                throw ReplicaError("liaison.late", "R15: a liaison officer is asked for at least a day ahead: for \(neededOn.iso), by \(neededOn.adding(days: -1).iso) 24:00. Choose a later day. Nothing was written.",
                                   zh: "R15：须至少提前一天商请联络员：\(neededOn.iso) 所需，应在 \(neededOn.adding(days: -1).iso) 24:00 前提出。请改选较晚的日期。未写入任何内容。")
            }
            var body: [String: JSONValue] = ["to": .string(to), "neededOn": .string(neededOn.iso), "purpose": .string(purpose)]
            if let n { body["notice"] = .string(n.id.hex) }
            _ = try LiaisonRequestBody(json: .object(body))
            let op = try append(WorkflowKinds.liaisonRequest, body, staff: try staffID(staff))
            return ActResult(op: op, json: .object(["request": .string(op.id.hex)]),
                             text: "liaison request \(op.id.hex)  → \(roster.departments[to]?.name ?? to), needed \(neededOn.iso) (R15)")
        }
    }

    /// Names this department's liaison officer for a request addressed to
    /// it (R15): a staff number whose registration is valid on the day
    /// needed and at least two years old then. Once.
    public func appointLiaison(_ request: String, officer: String, phone: String?, staff: String?) throws(ReplicaError) -> ActResult {
        let q = try resolve(request, kind: WorkflowKinds.liaisonRequest, what: "a liaison request", zh: "联络员商请")
        return try run {
            guard let body = q.body.flatMap({ try? LiaisonRequestBody(json: $0) }) else {
                throw ReplicaError("workflow.body_erased", "The request's content is not held on this replica.", zh: "本副本未持有该商请的内容。")
            }
            let mine = try store.staff(department: department).filter { $0.1.staffNo == officer }
            guard let (id, m) = mine.first(where: { Workflow.meetsLiaisonCondition($0.1, on: body.neededOn) }) else {
                let why = mine.last.map { "\($0.1.name) (\(officer)) is registered \($0.1.validFrom.iso)…\($0.1.validUntil.iso)" } ?? "\(officer) is not a staff number of \(department)"
                throw ReplicaError("liaison.ineligible", "\(why): a liaison officer has at least \(Workflow.liaisonYears) years in the department on \(body.neededOn.iso) (R15). Nothing was written.",
                                   zh: "联络员须在 \(body.neededOn.iso) 已在本部门工作满 \(Workflow.liaisonYears) 年且登记有效（R15）；工号 \(officer) 不符合。未写入任何内容。")
            }
            var b: [String: JSONValue] = ["request": .string(q.id.hex), "officer": .string(id)]
            if let phone { b["phone"] = .string(phone) }
            _ = try LiaisonAppointBody(json: .object(b))
            let (dept, now) = (department, self.now)
            let op = try append(WorkflowKinds.liaisonAppoint, b, staff: try staffID(staff), checking: (q.id, { wf, _ in
                guard let l = wf.liaisons[q.id] else { return }
                guard l.body.to == dept else {
                    throw ReplicaError("workflow.not_addressee", "The request is addressed to \(wf.name(of: l.body.to)); only that department names its officer (R15). Nothing was written.",
                                       zh: "该商请发给 \(wf.name(of: l.body.to))，只有该部门可以指派联络员（R15）。未写入任何内容。")
                }
                if let a = l.appointments.first {
                    throw ReplicaError("liaison.already_appointed", "An officer was already named by \(ItemReport.who(wf, a, now: now)). Nothing was written.",
                                       zh: "已由 \(ItemReport.who(wf, a, now: now)) 指派联络员。未写入任何内容。")
                }
            }))
            return ActResult(op: op, json: .object(["appointment": .string(op.id.hex), "officer": .string(id)]),
                             text: "liaison officer \(m.name) (\(m.staffNo)) named \(op.id.hex) (R15)")
        }
    }
}
