import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// Supervision information to record (R6, R8) and push to the bureau (R7)
/// and, by default, to the credit platform (R20).
public struct SupervisionRequest: Sendable {
    /// penalty, suspension, revocation, inspection, training or regulation.
    public var category: String
    public var summary: String
    public var subject: String?, creditCode: String?, licence: String?
    /// The approval (licence) concerned: an id, licence number, … .
    public var approval: String?
    /// Default: today (CST); the publication date defaults to it.
    public var decisionDate: CivilDate?, publishedDate: CivilDate?
    public var place: String?, result: String?
    /// Ask for a warning listing (R9): restricted or strict.
    public var listing: String?
    public var attachments: [FileUpload] = []
    /// Default: the bureau that issued `approval` (R7) and every department
    /// with role credit (R20).
    public var pushTo: [String] = []
    public var staff: String?

    public init(category: String, summary: String) { self.category = category; self.summary = summary }
}

/// The record written and its pushes' statuses (R7 push limit included).
public struct SupervisionResult: Sendable {
    public let record: VerifiedOp
    public let pushes: [Workflow.PushStatus]
    public let workflow: Workflow
    public var json: JSONValue { .object(["record": .string(record.id.hex), "pushes": .array(pushes.map { workflow.json($0) })]) }
}

extension Clerk {
    /// Records supervision information with its attachments and pushes it:
    /// one transaction, checked before signing.
    public func supervise(_ r: SupervisionRequest) throws(ReplicaError) -> SupervisionResult {
        var approvalOp: VerifiedOp?
        if let a = r.approval { approvalOp = try reader.resolveOp(a, kinds: [WorkflowKinds.approval]) }
        return try run {
            if let c = r.creditCode { _ = try checkCreditCode(c, field: "--credit-code") }
            if let a = approvalOp, a.header.kind != WorkflowKinds.approval {
                throw ReplicaError("workflow.wrong_kind", "\(r.approval ?? "") is a \(a.header.kind) operation, not an approval.", zh: "\(r.approval ?? "") 不是审批（许可）。")
            }
            var targets = r.pushTo
            if targets.isEmpty, let a = approvalOp, let d = roster.replicas[a.header.author]?.department {
                // R7 back to the bureau that issued the licence, and R20 to every credit platform.
                targets = [d] + roster.departments.values.filter { $0.role == .credit }.map(\.id).sorted()
            }
            guard !targets.isEmpty else {
                throw ReplicaError("workflow.no_bureau", "Name the bureau with --push-to (or --approval to push to the bureau that issued it) (R7).",
                                   zh: "请指定推送的审批部门（--push-to），或用 --approval 推送给签发该许可的部门（R7）。")
            }
            for d in targets { try checkDepartment(d) }
            let staff = try staffID(r.staff)
            let decided = r.decisionDate ?? ChinaStandardTime.civilDate(atMillis: now)
            var body: [String: JSONValue] = ["category": .string(r.category), "summary": .string(r.summary),
                                             "decisionDate": .string(decided.iso), "publishedDate": .string((r.publishedDate ?? decided).iso)]
            // The subject of a record about a licence is, unless given, the
            // licence's applicant (R8: records attach to the subject by credit code).
            let issued = try approvalOp.flatMap { $0.body }.map { try ApprovalBody(json: $0) }
            let subject = r.subject ?? issued?.applicantName, code = r.creditCode ?? issued?.creditCode.value
            if subject != nil || code != nil {
                body["subject"] = .object(["name": .string(subject ?? ""), "creditCode": .string(code ?? "")])
            }
            if let l = r.licence { body["licenceNo"] = .string(l) }
            if let a = approvalOp { body["approval"] = .string(a.id.hex) }
            if let p = r.place { body["place"] = .string(p) }
            if let x = r.result { body["result"] = .string(x) }
            if let l = r.listing { body["listing"] = .string(l) }
            _ = try SupervisionBody(json: .object(body))
            let files = try drafts(of: r.attachments)
            var drafts = files.map(\.draft)
            let recordAt = drafts.count
            let recordBody = body
            drafts.append(draft(WorkflowKinds.supervision, staff: staff) { written in
                var b = recordBody
                if !files.isEmpty { b["attachments"] = .array(files.indices.map { files[$0].ref(written[$0]) }) }
                return b
            })
            for d in targets {
                drafts.append(draft(WorkflowKinds.push, staff: staff) { written in ["record": .string(written[recordAt].id.hex), "to": .string(d)] })
            }
            let ops = try appendAll(drafts)
            let (wf, ctx) = try item(ops[recordAt].id)
            let statuses = try ops[(recordAt + 1)...].compactMap { wf.pushes[$0.id] }.map { try wf.status(of: $0, ctx) }
            return SupervisionResult(record: ops[recordAt], pushes: statuses, workflow: wf)
        }
    }

    /// Lists a subject on the warning list by hand (bureau only, R9).
    public func listWarning(creditCode: String, name: String, level: String, reason: String, staff: String?) throws(ReplicaError) -> VerifiedOp {
        try run {
            _ = try checkCreditCode(creditCode, field: "--credit-code")
            return try append(WorkflowKinds.warningList, ["creditCode": .string(creditCode), "name": .string(name),
                                                          "level": .string(level), "reason": .string(reason)], staff: try staffID(staff))
        }
    }

    /// Ends a listing (bureau only, R9).
    public func delistWarning(_ entry: String, reason: String, staff: String?) throws(ReplicaError) -> VerifiedOp {
        let e = try reader.resolveOp(entry)
        return try run { try append(WorkflowKinds.warningDelist, ["entry": .string(e.id.hex), "reason": .string(reason)], staff: try staffID(staff)) }
    }
}
