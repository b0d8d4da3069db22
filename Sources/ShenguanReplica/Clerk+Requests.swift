import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// An operation written and a JSON summary of what it changed.
public struct ActResult: Sendable {
    public let op: VerifiedOp
    public let json: JSONValue
    /// One line for a clerk.
    public let text: String
}

extension Clerk {
    /// Asks the issuing bureau to revoke, withdraw, cancel or change a
    /// licence, with basis and evidence (R10 协同处理申请单).
    public func requestRevocation(_ approval: String, action: String, basis: String, evidence: [FileUpload], staff: String?) throws(ReplicaError) -> ActResult {
        let a = try resolve(approval, kind: WorkflowKinds.approval, what: "an approval", zh: "审批（许可）")
        return try run {
            let body: [String: JSONValue] = ["approval": .string(a.id.hex), "action": .string(action), "basis": .string(basis)]
            _ = try RevocationRequestBody(json: .object(body))
            let who = try staffID(staff)
            let files = try drafts(of: evidence)
            let ops = try appendAll(files.map(\.draft) + [draft(WorkflowKinds.revocationRequest, staff: who) { written in
                var b = body
                if !files.isEmpty { b["evidence"] = .array(files.indices.map { files[$0].ref(written[$0]) }) }
                return b
            }])
            let op = ops.last!
            let bureau = roster.departments[roster.replicas[a.header.author]?.department ?? ""]?.name ?? "the bureau"
            return ActResult(op: op, json: .object(["request": .string(op.id.hex)]),
                             text: "request \(op.id.hex)  \(action) → to-do in \(bureau)'s inbox (R10)")
        }
    }

    /// Decides a revocation request (bureau only, R10); a request is decided once.
    public func decideRevocation(_ request: String, grant: Bool, reason: String, staff: String?) throws(ReplicaError) -> ActResult {
        let r = try resolve(request, kind: WorkflowKinds.revocationRequest, what: "a revocation request", zh: "撤销申请")
        return try run {
            let (dept, now) = (department, self.now)
            let op = try append(WorkflowKinds.revocationDecision, ["request": .string(r.id.hex), "grant": .bool(grant), "reason": .string(reason)],
                                staff: try staffID(staff), checking: (r.id, { wf, _ in
                // Only the issuing bureau decides (another department is refused by the rules, workflow.not_addressee).
                guard let req = wf.requests[r.id], wf.approvals[req.body.approval]?.act.department == dept else { return }
                if let d = req.decisions.first {
                    throw ReplicaError("workflow.already_decided", "This request was already decided by \(ItemReport.who(wf, d, now: now)); nothing was written.",
                                       zh: "该申请已由 \(ItemReport.who(wf, d, now: now)) 办理，未写入任何内容。")
                }
            }))
            let (after, _) = try item(r.id)
            let status = after.requests[r.id].map { after.licenceStatus($0.body.approval) } ?? "?"
            return ActResult(op: op, json: .object(["decision": .string(op.id.hex), "licenceStatus": .string(status)]),
                             text: "decision \(op.id.hex)  \(grant ? "granted" : "declined")  licence status: \(status) (R10)")
        }
    }

    /// Sends a letter of inquiry (函询, R12): no reply by the limit counts as consent.
    public func inquire(to: String, workingDays: Int, subject: String, question: String, staff: String?) throws(ReplicaError) -> (op: VerifiedOp, status: Workflow.InquiryStatus, workflow: Workflow) {
        try run {
            try checkDepartment(to)
            guard (1...30).contains(workingDays) else {
                throw ReplicaError("workflow.working_days", "--working-days must be between 1 and 30 (R12).", zh: "答复时限须为 1 至 30 个工作日（R12）。")
            }
            let op = try append(WorkflowKinds.inquiry, ["to": .string(to), "workingDays": .int(Int64(workingDays)),
                                                        "subject": .string(subject), "question": .string(question)], staff: try staffID(staff))
            let (wf, ctx) = try item(op.id)
            return (op, try wf.status(of: wf.inquiries[op.id]!, ctx), wf)
        }
    }

    /// Replies to a letter of inquiry addressed to this department (R12);
    /// a closed inquiry (answered, or lapsed into consent) is refused.
    public func reply(_ inquiry: String, consent: Bool, text: String, staff: String?) throws(ReplicaError) -> (op: VerifiedOp, status: Workflow.InquiryStatus, workflow: Workflow) {
        let q = try resolve(inquiry, kind: WorkflowKinds.inquiry, what: "an inquiry", zh: "函询")
        return try run {
            let (dept, now) = (department, self.now)
            let op = try append(WorkflowKinds.reply, ["inquiry": .string(q.id.hex), "consent": .bool(consent), "text": .string(text)],
                                staff: try staffID(staff), checking: (q.id, { wf, ctx in
                guard let open = wf.inquiries[q.id], open.body.to == dept else { return }
                let st = try wf.status(of: open, ctx)
                guard st.isClosed else { return }
                let answered = st.verdict.outcome == .onTime && !open.replies.isEmpty
                let why = answered ? "it was answered by \(ItemReport.who(wf, open.replies[0], now: now))"
                    : "its limit \(ClerkTime.limit(st.verdict.due, now: now)) passed without a reply, so it counts as consent (R12)"
                throw ReplicaError("workflow.closed", "This inquiry is closed: \(why). A reply can no longer change it; nothing was written.",
                                   zh: answered ? "该函询已答复，不能再次回复；未写入任何内容。"
                                                : "该函询已于 \(ClerkTime.limit(st.verdict.due, now: now)) 到期未复，视为同意（R12），不能再回复；未写入任何内容。")
            }))
            let (after, judged) = try item(q.id)
            return (op, try after.status(of: after.inquiries[q.id]!, judged), after)
        }
    }

    /// Corrects a mutable field of an approval (contact, validUntil); it
    /// supersedes every value this replica sees, so it resolves a conflict.
    public func correct(_ approval: String, field: String, value: String, staff: String?) throws(ReplicaError) -> ActResult {
        let a = try resolve(approval, kind: WorkflowKinds.approval, what: "an approval", zh: "审批（许可）")
        return try run {
            let seen = try item(a.id).0.fieldValues(a.id, field: field).compactMap(\.by).map(\.hex).sorted()
            var body: [String: JSONValue] = ["approval": .string(a.id.hex), "field": .string(field), "value": .string(value)]
            if !seen.isEmpty { body["supersedes"] = .array(seen.map { .string($0) }) }
            let op = try append(WorkflowKinds.correction, body, staff: try staffID(staff))
            return ActResult(op: op, json: .object(["correction": .string(op.id.hex)]),
                             text: "correction \(op.id.hex)  \(field) = \(value)\(seen.count > 1 ? " (resolves a conflict of \(seen.count) values)" : "")")
        }
    }
}

extension Clerk {
    /// Records the post-verification of a 告知承诺 licence this bureau
    /// issued (R11): the promise kept, or broken with the last day of the
    /// rectification period (a later verification then finds it cured or
    /// not). The verdict says whether the first came within the limit.
    public func verifyPromise(_ approval: String, kept: Bool, findings: String, cureBy: CivilDate?, staff: String?) throws(ReplicaError) -> ActResult {
        let a = try resolve(approval, kind: WorkflowKinds.approval, what: "an approval", zh: "审批（许可）")
        return try run {
            guard let body = a.body.flatMap({ try? ApprovalBody(json: $0) }), body.promisedDate != nil else {
                throw ReplicaError("verification.no_promise", "\(approval) is no 告知承诺 licence with a promised date: there is nothing to verify (R11). Nothing was written.",
                                   zh: "\(approval) 不是带承诺履行日期的告知承诺许可，无需核查（R11）。未写入任何内容。")
            }
            guard kept || cureBy != nil else {
                throw ReplicaError("verification.cure_by", "A broken promise opens a rectification period: give its last day (--cure-by). Nothing was written.",
                                   zh: "承诺未履行须给出整改期限（--cure-by）。未写入任何内容。")
            }
            if let c = cureBy, c <= ChinaStandardTime.civilDate(atMillis: now) {
                throw ReplicaError("verification.cure_by", "The rectification period ends after today: --cure-by \(c.iso) is not in the future. Nothing was written.",
                                   zh: "整改期限须晚于今天（--cure-by \(c.iso)）。未写入任何内容。")
            }
            var b: [String: JSONValue] = ["approval": .string(a.id.hex), "result": .string(kept ? "kept" : "broken"), "findings": .string(findings)]
            if !kept, let c = cureBy { b["cureBy"] = .string(c.iso) }
            _ = try VerificationBody(json: .object(b))
            let dept = department
            let op = try append(WorkflowKinds.verification, b, staff: try staffID(staff), checking: (a.id, { wf, _ in
                guard let issued = wf.approvals[a.id], issued.act.department == dept else {
                    throw ReplicaError("workflow.not_addressee", "Only the bureau that issued the licence verifies its promise (R11). Nothing was written.",
                                       zh: "只有签发该许可的部门可以核查承诺履行情况（R11）。未写入任何内容。")
                }
            }))
            let (wf, ctx) = try item(a.id)
            let st = try wf.approvals[a.id].flatMap { try wf.verificationStatus(of: $0, ctx) }
            return ActResult(op: op, json: .object(["verification": .string(op.id.hex), "limit": st.map { Workflow.json($0.verdict) } ?? .null]),
                             text: "verification \(op.id.hex)  \(kept ? "promise kept" : "promise broken, rectify by \(cureBy?.iso ?? "?")")"
                                 + (st.map { " · R11 limit \(ClerkTime.limit($0.verdict.due, now: now)): \(ClerkWords.noticeLimit($0.verdict))" } ?? ""))
        }
    }
}
