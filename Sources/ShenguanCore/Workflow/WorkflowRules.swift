import ShenguanCrypto

/// Ingest-time checks of a workflow operation against the operations it
/// names (PROTOCOL.md §4.4). They depend only on those immutable operations
/// and the roster the operation builds on, so every replica decides alike
/// whatever order operations arrive in. Time limits are not checked here: a
/// late act is still a signed fact, judged by `Deadlines`.
public enum WorkflowRules {
    /// Why `op`, written by a replica of `department`, is refused (nil: fine).
    /// `lookup` returns held operations; every ref is held when this runs.
    public static func refusal(_ op: VerifiedOp, department: String, roster: RosterState,
                               lookup: (Digest) -> VerifiedOp?) -> OpRejection? {
        let kind = op.header.kind
        guard WorkflowKinds.all.contains(kind), let body = op.body else { return nil }
        var named = [Digest: VerifiedOp]()
        for ref in op.refs {
            guard let target = lookup(ref.id) else {
                return OpRejection(.invalidRef, "\(ref.field) names \(ref.id.hex.prefix(12))…, which is not held")
            }
            guard ref.kinds.contains(target.header.kind) else {
                return OpRejection(.invalidRef, "\(ref.field) names a \(target.header.kind) operation; expected \(ref.kinds.sorted().joined(separator: " or "))")
            }
            named[ref.id] = target
        }
        func dept(_ o: VerifiedOp) -> String? { roster.replicas[o.header.author]?.department }
        func pushBody(_ id: Digest) -> PushBody? { named[id]?.body.flatMap { try? PushBody(json: $0) } }
        func known(_ d: String) -> OpRejection? {
            roster.departments[d] == nil ? OpRejection(.invalidRef, "department \(d) is not in the roster") : nil
        }

        switch kind {
        case WorkflowKinds.approval:
            // The typed body only when there are alerts to check (most approvals have none).
            let b = op.refs.contains { $0.field == "alerts" } ? try? ApprovalBody(json: body) : nil
            for id in b?.alerts ?? [] {
                guard let code = listedCode(named[id]), code == b?.creditCode else {
                    return OpRejection(.invalidRef, "alert \(id.hex.prefix(12))… does not list the applicant's credit code")
                }
            }
        case WorkflowKinds.erase:
            // Only the department that wrote the body, or the oversight office, erases it.
            guard let b = try? EraseBody(json: body), let target = named[b.op] else { return nil }
            if dept(target) != department && roster.departments[department]?.role != .oversight {
                return OpRejection(.notAddressee, "the body was written by \(dept(target) ?? "?"); only that department or the oversight office erases it")
            }
        case WorkflowKinds.noticeIssue:
            guard let b = try? NoticeBody(json: body) else { return nil }
            for d in b.to {
                if let e = known(d) { return e }
                if d == department { return OpRejection(.invalidRef, "a department does not send a notice to itself (R19)") }
            }
        case WorkflowKinds.noticeAck:
            guard let b = try? NoticeAckBody(json: body), let n = named[b.notice]?.body.flatMap({ try? NoticeBody(json: $0) }) else { return nil }
            if !n.to.contains(department) {
                return OpRejection(.notAddressee, "the notice was sent to \(n.to.joined(separator: ", ")); \(department) does not acknowledge it (R19)")
            }
        case WorkflowKinds.correction:
            guard let b = try? CorrectionBody(json: body), let target = named[b.approval] else { return nil }
            if dept(target) != department {
                return OpRejection(.notAddressee, "only the issuing department (\(dept(target) ?? "?")) corrects its approval")
            }
            for s in b.supersedes {
                guard let c = named[s]?.body.flatMap({ try? CorrectionBody(json: $0) }), c.approval == b.approval, c.field == b.field else {
                    return OpRejection(.invalidRef, "supersedes \(s.hex.prefix(12))…, a correction of another approval or field")
                }
            }
        case WorkflowKinds.push:
            guard let b = try? PushBody(json: body), let record = named[b.record] else { return nil }
            if let e = known(b.to) { return e }
            if b.to == department { return OpRejection(.invalidRef, "a department does not push to itself") }
            if let via = b.via {
                // R5: the regulator relays what was pushed to it.
                guard let v = pushBody(via), v.to == department, v.record == b.record else {
                    return OpRejection(.notAddressee, "a relay (R5) forwards a push addressed to \(department) of the same record")
                }
            } else if dept(record) != department {
                return OpRejection(.notAddressee, "only the department that wrote the record (\(dept(record) ?? "?")) pushes it; others relay (R5)")
            }
            if b.certificate != nil && (b.via != nil || record.header.kind != WorkflowKinds.approval) {
                return OpRejection(.invalidRef, "a certificate (R17) is asked for with the push of an approval, not with a relay or a supervision record")
            }
        case WorkflowKinds.verification:
            guard let b = try? VerificationBody(json: body), let approval = named[b.approval] else { return nil }
            if dept(approval) != department {
                return OpRejection(.notAddressee, "the licence was issued by \(dept(approval) ?? "?"); only that bureau verifies its promise (R11)")
            }
            if (approval.body.flatMap { try? ApprovalBody(json: $0) })?.promisedDate == nil {
                return OpRejection(.invalidRef, "the approval is no 告知承诺 item with a promised date (R11)")
            }
        case WorkflowKinds.liaisonRequest:
            guard let b = try? LiaisonRequestBody(json: body) else { return nil }
            if let e = known(b.to) { return e }
            if b.to == department { return OpRejection(.invalidRef, "a department does not ask itself for a liaison officer") }
        case WorkflowKinds.liaisonAppoint:
            guard let b = try? LiaisonAppointBody(json: body),
                  let req = named[b.request]?.body.flatMap({ try? LiaisonRequestBody(json: $0) }),
                  let officer = named[b.officer]?.body.flatMap({ try? StaffMember(json: $0) }) else { return nil }
            if req.to != department {
                return OpRejection(.notAddressee, "the request is addressed to \(req.to); \(department) does not name its liaison officer (R15)")
            }
            guard officer.department == department else {
                return OpRejection(.staffUnknown, "the officer is registered for \(officer.department), not \(department) (R15)")
            }
            guard Workflow.meetsLiaisonCondition(officer, on: req.neededOn) else {
                return OpRejection(.staffInvalid, "\(officer.name) (\(officer.staffNo)) is registered from \(officer.validFrom.iso): a liaison officer has at least \(Workflow.liaisonYears) years in the department on \(req.neededOn.iso) and a registration valid that day (R15)")
            }
        case WorkflowKinds.certificate:
            guard let c = try? CertificateBody(json: body), let b = pushBody(c.push) else { return nil }
            if b.to != department {
                return OpRejection(.notAddressee, "the push is addressed to \(b.to); \(department) does not issue its certificate (R17)")
            }
            if b.certificate == nil { return OpRejection(.invalidRef, "the push asks for no certificate (R17)") }
        case WorkflowKinds.claim, WorkflowKinds.feedback:
            guard let p = (try? ClaimBody(json: body))?.push ?? (try? FeedbackBody(json: body))?.push, let b = pushBody(p) else { return nil }
            if b.to != department {
                return OpRejection(.notAddressee, "the push is addressed to \(b.to); \(department) cannot \(kind == WorkflowKinds.claim ? "claim" : "answer") it (R2)")
            }
        case WorkflowKinds.warningList:
            guard let b = try? WarningBody(json: body), let s = b.source else { return nil }
            if (named[s]?.body.flatMap { try? SupervisionBody(json: $0) })?.creditCode != b.creditCode {
                return OpRejection(.invalidRef, "source is a supervision record of another subject")
            }
        case WorkflowKinds.revocationDecision:
            guard let b = try? RevocationDecisionBody(json: body), let req = named[b.request],
                  let approvalID = req.body.flatMap({ try? RevocationRequestBody(json: $0) })?.approval,
                  let approval = lookup(approvalID) else { return nil }
            if dept(approval) != department {
                return OpRejection(.notAddressee, "the licence was issued by \(dept(approval) ?? "?"); only that bureau decides on it (R10)")
            }
        case WorkflowKinds.inquiry:
            guard let b = try? InquiryBody(json: body) else { return nil }
            if let e = known(b.to) { return e }
            if b.to == department { return OpRejection(.invalidRef, "a department does not send an inquiry to itself") }
        case WorkflowKinds.reply:
            guard let b = try? ReplyBody(json: body), let q = named[b.inquiry]?.body.flatMap({ try? InquiryBody(json: $0) }) else { return nil }
            if q.to != department {
                return OpRejection(.notAddressee, "the inquiry is addressed to \(q.to); \(department) cannot reply to it (R12)")
            }
        case WorkflowKinds.inspectionNotice:
            guard let b = try? InspectionNoticeBody(json: body) else { return nil }
            if let e = known(b.to) { return e }
            if b.to == department { return OpRejection(.invalidRef, "a department does not notify itself of a joint inspection") }
        case WorkflowKinds.inspectionReport:
            guard let b = try? InspectionReportBody(json: body), let notice = named[b.notice] else { return nil }
            if dept(notice) != department {
                return OpRejection(.notAddressee, "the inspection was announced by \(dept(notice) ?? "?"); only that department writes its report (R14)")
            }
        case WorkflowKinds.inspectionCountersign:
            guard let b = try? CountersignBody(json: body), let report = named[b.report],
                  let n = report.body.flatMap({ try? InspectionReportBody(json: $0) })?.notice,
                  let notice = lookup(n)?.body.flatMap({ try? InspectionNoticeBody(json: $0) }) else { return nil }
            if notice.to != department {
                return OpRejection(.notAddressee, "the inspection was announced to \(notice.to); \(department) cannot countersign its report (R14)")
            }
        case WorkflowKinds.reviewConvene:
            guard let b = try? ReviewConveneBody(json: body) else { return nil }
            for p in b.participants {
                if let e = known(p) { return e }
                if p == department { return OpRejection(.invalidRef, "the convening bureau is not one of its own review's participants (R13)") }
                if Permissions.refusal(kind: WorkflowKinds.reviewOpinion, role: roster.departments[p]?.role, isRoot: false) != nil {
                    return OpRejection(.invalidRef, "participant \(p) is a \(roster.departments[p]?.role.rawValue ?? "?") department, which gives no review opinion (R13)")
                }
            }
        case WorkflowKinds.reviewOpinion:
            guard let b = try? ReviewOpinionBody(json: body),
                  let r = named[b.review]?.body.flatMap({ try? ReviewConveneBody(json: $0) }) else { return nil }
            if !r.participants.contains(department) {
                return OpRejection(.notAddressee, "\(department) is not a participant of this special review (R13)")
            }
        case WorkflowKinds.reviewMinutes:
            guard let b = try? ReviewMinutesBody(json: body), let review = named[b.review] else { return nil }
            if dept(review) != department {
                return OpRejection(.notAddressee, "the review was convened by \(dept(review) ?? "?"); only that bureau issues its minutes (R13)")
            }
            if let to = b.escalateTo {
                if let e = known(to) { return e }
                if to == department || Permissions.refusal(kind: WorkflowKinds.reviewAck, role: roster.departments[to]?.role, isRoot: false) != nil {
                    return OpRejection(.invalidRef, "escalateTo names \(to), which cannot receive an escalation (R13: another department that acknowledges minutes)")
                }
            }
        case WorkflowKinds.reviewAck:
            guard let b = try? ReviewAckBody(json: body), let m = named[b.minutes]?.body.flatMap({ try? ReviewMinutesBody(json: $0) }),
                  let r = lookup(m.review)?.body.flatMap({ try? ReviewConveneBody(json: $0) }) else { return nil }
            if !r.participants.contains(department) && m.escalateTo != department {
                return OpRejection(.notAddressee, "the minutes were issued to \((r.participants + (m.escalateTo.map { [$0] } ?? [])).joined(separator: ", ")); \(department) does not acknowledge them (R13)")
            }
        case WorkflowKinds.expertRetire:
            guard let b = try? ExpertRetireBody(json: body), let e = named[b.expert] else { return nil }
            if dept(e) != department {
                return OpRejection(.notAddressee, "the expert was registered by \(dept(e) ?? "?"); only that department retires it (R16)")
            }
        case WorkflowKinds.drawRequest:
            guard let b = try? DrawRequestBody(json: body) else { return nil }
            for c in b.candidates where (named[c]?.body.flatMap { try? ExpertBody(json: $0) })?.field != b.field {
                return OpRejection(.invalidRef, "candidate \(c.hex.prefix(12))… is not an expert in \(b.field) (R16)")
            }
            for p in b.participants {
                if let e = known(p) { return e }
                if Permissions.refusal(kind: WorkflowKinds.drawCommit, role: roster.departments[p]?.role, isRoot: false) != nil {
                    return OpRejection(.invalidRef, "participant \(p) cannot commit to a draw (R16)")
                }
            }
        case WorkflowKinds.drawCommit:
            guard let b = try? DrawCommitBody(json: body), let r = named[b.request]?.body.flatMap({ try? DrawRequestBody(json: $0) }) else { return nil }
            if !r.participants.contains(department) {
                return OpRejection(.notAddressee, "\(department) is not a participant of this draw (R16)")
            }
        case WorkflowKinds.drawReveal:
            guard let b = try? DrawRevealBody(json: body), let r = named[b.request]?.body.flatMap({ try? DrawRequestBody(json: $0) }) else { return nil }
            if !r.participants.contains(department) {
                return OpRejection(.notAddressee, "\(department) is not a participant of this draw (R16)")
            }
            var byDept = [String: DrawCommitBody]()
            for c in b.commits {
                guard let op = named[c], let cb = op.body.flatMap({ try? DrawCommitBody(json: $0) }), cb.request == b.request,
                      let d = dept(op), byDept.updateValue(cb, forKey: d) == nil else {
                    return OpRejection(.invalidRef, "commits must name one commitment to this draw per participant (R16)")
                }
            }
            guard Set(byDept.keys) == Set(r.participants) else {
                return OpRejection(.invalidRef, "a reveal names the commitment of every participant (\(r.participants.joined(separator: ", "))), so that every secret was fixed before any is shown (R16)")
            }
            guard byDept[department]?.commitment == ExpertDraw.commitment(request: b.request, nonce: b.nonce) else {
                return OpRejection(.invalidRef, "the nonce does not open \(department)'s commitment (R16)")
            }
        case WorkflowKinds.boundaryEntry:
            guard let b = try? BoundaryEntryBody(json: body) else { return nil }
            for d in b.regulators {
                if let e = known(d) { return e }
                if d == department || Permissions.refusal(kind: WorkflowKinds.claim, role: roster.departments[d]?.role, isRoot: false) != nil {
                    return OpRejection(.invalidRef, "\(d) cannot receive the item's pushes (R18)")
                }
            }
            for s in b.supersedes {
                guard let prior = named[s]?.body else { continue }   // an erased body: nothing left to compare
                if (try? BoundaryEntryBody(json: prior))?.itemCode != b.itemCode {
                    return OpRejection(.invalidRef, "supersedes \(s.hex.prefix(12))…, an entry of another item (R18)")
                }
            }
        case WorkflowKinds.boundaryWithdraw:
            guard let b = try? BoundaryWithdrawBody(json: body), let e = named[b.entry] else { return nil }
            if dept(e) != department {
                return OpRejection(.notAddressee, "the entry was written by \(dept(e) ?? "?"); only that department withdraws it (R18)")
            }
        default: break
        }
        return nil
    }

    /// The credit code a warning-list entry or a listing supervision record names.
    static func listedCode(_ op: VerifiedOp?) -> CreditCode? {
        guard let op, let body = op.body else { return nil }
        if op.header.kind == WorkflowKinds.warningList { return (try? WarningBody(json: body))?.creditCode }
        if let s = try? SupervisionBody(json: body), s.listing != nil { return s.creditCode }
        return nil
    }
}
