import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// R6–R10 and R12 (issue #4): supervision push-back, the warning list,
/// revocation requests, letters of inquiry, conflicts.
extension WorkflowTests {
    // MARK: R6, R7 supervision push-back

    @Test func supervisionPushBackHasThePushLimitAndTheBureauClaimLimit() throws {
        var (net, a, _) = approvedAndPushed()
        // Published Monday 10-12; 聊城: push within 3 working days (by 10-15 24:00), bureau claims within 2.
        let rec = net.write(1, kind: WorkflowKinds.supervision, body: F.supervision(approval: a.id), at: F.ms("2026-10-12T10:00:00"))
        let onTime = net.write(1, kind: WorkflowKinds.push, body: F.push(rec.id, to: "d0"), at: F.ms("2026-10-15T23:59:59"))
        let r = everything(net)
        let st = try r.workflow.status(of: r.workflow.pushes[onTime.id]!, ctx(r, now: F.ms("2026-10-16T12:00:00")))
        #expect(st.pushLimit?.rule == "R7")
        #expect(st.pushLimit?.due.deadlineRFC3339 == "2026-10-16T00:00:00+08:00")
        #expect(st.pushLimit?.outcome == .onTime)
        #expect(st.claim.rule == "R7")
        #expect(st.claim.due.lastDay.iso == "2026-10-19")   // Fri 10-16, weekend, Mon 10-19
        #expect(st.label == "pending")
        // A push one second later is late against the R7 push limit.
        var late = net
        let p2 = late.write(1, kind: WorkflowKinds.push, body: F.push(rec.id, to: "d0"), at: F.ms("2026-10-16T00:00:00"))
        let r2 = everything(late)
        #expect(try r2.workflow.status(of: r2.workflow.pushes[p2.id]!, ctx(r2, now: Self.later)).pushLimit?.outcome == .late)
        // The bureau auto-claims at its limit when silent.
        #expect(try r.workflow.status(of: r.workflow.pushes[onTime.id]!, ctx(r, now: F.ms("2026-10-20T00:00:00"))).label == "auto_claimed")
    }

    /// R20 (000 第十九条(一)): findings reach the credit platform within 7
    /// working days of the decision, the decision day not counted; across
    /// the National Day holiday, at the exact moment. The same record pushed
    /// back to the bureau keeps its R7 limit from publication.
    @Test func supervisionReachesTheCreditPlatformWithinSevenWorkingDaysOfTheDecision() throws {
        var net = F.network(roles: [.approval, .regulator, .regulator, .credit])
        let a = net.write(0, kind: WorkflowKinds.approval, body: F.approval(), at: F.ms("2026-09-29T10:00:00"))
        net.sync(from: 0, to: 1)
        // Decided and published Wednesday 09-30: counted 10-08, 10-09, 10-10 (a Saturday worked), 10-12 … 10-15.
        let rec = net.write(1, kind: WorkflowKinds.supervision, body: F.supervision(approval: a.id, published: "2026-09-30"), at: F.ms("2026-09-30T10:00:00"))
        var late = net
        let onTime = net.write(1, kind: WorkflowKinds.push, body: F.push(rec.id, to: "d3"), at: F.ms("2026-10-15T23:59:59"))
        let back = net.write(1, kind: WorkflowKinds.push, body: F.push(rec.id, to: "d0"), at: F.ms("2026-10-16T00:00:01"))
        let lateOne = late.write(1, kind: WorkflowKinds.push, body: F.push(rec.id, to: "d3"), at: F.ms("2026-10-16T00:00:00"))
        let r = everything(net), r2 = everything(late)
        let st = try r.workflow.status(of: r.workflow.pushes[onTime.id]!, ctx(r, now: F.ms("2026-10-20T12:00:00")))
        #expect(st.pushLimit?.rule == "R20")
        #expect(st.pushLimit?.due.countedDays.map(\.iso) == ["2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15"])
        #expect(st.pushLimit?.due.deadlineRFC3339 == "2026-10-16T00:00:00+08:00")
        #expect(st.pushLimit?.outcome == .onTime)
        #expect(try r2.workflow.status(of: r2.workflow.pushes[lateOne.id]!, ctx(r2, now: F.ms("2026-10-20T12:00:00"))).pushLimit?.outcome == .late)
        // To the bureau: R7, three working days from publication (10-08, 10-09, 10-10), so late here.
        let toBureau = try r.workflow.status(of: r.workflow.pushes[back.id]!, ctx(r, now: F.ms("2026-10-20T12:00:00")))
        #expect(toBureau.pushLimit?.rule == "R7" && toBureau.pushLimit?.due.lastDay.iso == "2026-10-10" && toBureau.pushLimit?.outcome == .late)
        // The credit platform claims what is pushed to it, within the bureau-claim limit the bundle verdict uses.
        net.sync(from: 1, to: 3)
        _ = net.write(3, kind: WorkflowKinds.claim, body: ["push": .string(onTime.id.hex)], at: F.ms("2026-10-16T09:00:00"))
        let claimed = everything(net)
        #expect(try claimed.workflow.status(of: claimed.workflow.pushes[onTime.id]!, ctx(claimed, now: F.ms("2026-10-20T12:00:00"))).claim.rule == "R7")
    }

    @Test func onlyRegulatorsWriteSupervisionAndOnlyTheirOwnIsPushed() {
        let (net, _, _) = approvedAndPushed()
        let (byBureau, _) = net.draft(0, kind: WorkflowKinds.supervision, body: F.supervision())
        #expect(rejection(decide(net, byBureau)) == .forbiddenKind)
    }

    // MARK: R9 warning list

    @Test func supervisionListsTheSubjectAndTheNextApprovalCarriesTheAlert() throws {
        var (net, a, _) = approvedAndPushed()
        let rec = net.write(1, kind: WorkflowKinds.supervision, body: F.supervision(category: "suspension", approval: a.id, listing: "restricted"))
        net.write(1, kind: WorkflowKinds.push, body: F.push(rec.id, to: "d0"))
        net.sync(from: 1, to: 0)
        let wf0 = net.replica(0).workflow
        let listed = wf0.activeWarnings(for: CreditCode(F.codeA)!)
        #expect(listed.map(\.source) == [rec.id])
        #expect(listed.first?.level == "restricted")
        // An approval for the listed subject names the listing (the CLI fills it in).
        let second = net.write(0, kind: WorkflowKinds.approval, body: F.approval(alerts: [rec.id]))
        #expect(everything(net).workflow.approvals[second.id]?.body.alerts == [rec.id])
        // An alert naming a listing of another subject is refused.
        let (wrong, _) = net.draft(0, kind: WorkflowKinds.approval, body: F.approval(code: F.codeB, alerts: [rec.id]))
        #expect(rejection(decide(net, wrong)) == .invalidRef)
        // The bureau can delist; a manual listing works the same way.
        net.write(0, kind: WorkflowKinds.warningDelist, body: ["entry": .string(rec.id.hex), "reason": "整改完成"])
        let manual = net.write(0, kind: WorkflowKinds.warningList, body: ["creditCode": .string(F.codeB), "name": "某公司", "level": "strict", "reason": "列入失信名单"])
        let wf = everything(net).workflow
        #expect(wf.activeWarnings(for: CreditCode(F.codeA)!).isEmpty)
        #expect(wf.activeWarnings(for: CreditCode(F.codeB)!).map(\.source) == [manual.id])
        // A regulator cannot list by hand.
        let (byRegulator, _) = net.draft(1, kind: WorkflowKinds.warningList, body: ["creditCode": .string(F.codeB), "name": "x", "level": "strict", "reason": "y"])
        #expect(rejection(decide(net, byRegulator)) == .forbiddenKind)
    }

    // MARK: R10 revocation

    @Test func aGrantedRevocationChangesTheLicenceAndADeclineExplains() throws {
        var (net, a, _) = approvedAndPushed()
        let req = net.write(1, kind: WorkflowKinds.revocationRequest,
                            body: ["approval": .string(a.id.hex), "action": "revoke", "basis": "《食品安全法》第一百二十二条"])
        net.sync(from: 1, to: 0)
        var wf = net.replica(0).workflow
        #expect(try wf.inbox(for: "d0", ctx(net.replica(0), now: Self.later)).map(\.action) == ["decide"])
        // A regulator deciding is refused (permission table), whoever's request it is.
        let (byRegulator, _) = net.draft(1, kind: WorkflowKinds.revocationDecision,
                                         body: ["request": .string(req.id.hex), "grant": true, "reason": "x"])
        guard case .reject(let e) = decide(net, byRegulator) else { Issue.record("accepted"); return }
        #expect(e.code == .forbiddenKind)
        #expect(e.reason.contains("allowed: approval"))
        var declined = net
        declined.write(0, kind: WorkflowKinds.revocationDecision, body: ["request": .string(req.id.hex), "grant": false, "reason": "证据不足，请补充现场检查记录"])
        wf = everything(declined).workflow
        #expect(wf.licenceStatus(a.id) == "valid")
        #expect(wf.requests[req.id]?.decisions.first?.op.body?["reason"]?.stringValue == "证据不足，请补充现场检查记录")
        net.write(0, kind: WorkflowKinds.revocationDecision, body: ["request": .string(req.id.hex), "grant": true, "reason": "查证属实"])
        // After sync the regulator sees the licence revoked.
        net.sync(from: 0, to: 1)
        #expect(net.replica(1).workflow.licenceStatus(a.id) == "revoked")
        #expect(try net.replica(0).workflow.inbox(for: "d0", ctx(net.replica(0), now: Self.later)).isEmpty)
    }

    // MARK: R12 letters of inquiry

    @Test func silenceIsConsentAtTheLimitAndTheSilentPartyIsResponsible() throws {
        var net = F.network()
        let q = net.write(0, kind: WorkflowKinds.inquiry, body: ["to": "d2", "subject": "环评意见", "question": "是否同意？", "workingDays": 2],
                          at: F.ms("2026-10-09T10:00:00"))
        let r = everything(net)
        let wf = r.workflow
        let before = try wf.status(of: wf.inquiries[q.id]!, ctx(r, now: F.ms("2026-10-12T23:59:59")))
        let at = try wf.status(of: wf.inquiries[q.id]!, ctx(r, now: F.ms("2026-10-13T00:00:00")))
        #expect(before.verdict.due.lastDay.iso == "2026-10-12")   // 10-10 (adjusted Saturday), 10-12
        #expect(before.label == "awaiting_reply")
        #expect(at.label == "deemed_consent")
        #expect(at.responsible == "d2")
        #expect(at.isClosed)
        // A reply by another department is refused; a late reply does not undo consent.
        net.sync(from: 0, to: 1); net.sync(from: 0, to: 2)
        let (wrong, _) = net.draft(1, kind: WorkflowKinds.reply, body: ["inquiry": .string(q.id.hex), "consent": false, "text": "x"])
        #expect(rejection(decide(net, wrong)) == .notAddressee)
        net.write(2, kind: WorkflowKinds.reply, body: ["inquiry": .string(q.id.hex), "consent": false, "text": "不同意"], at: F.ms("2026-10-13T09:00:00"))
        let r2 = everything(net)
        let late = try r2.workflow.status(of: r2.workflow.inquiries[q.id]!, ctx(r2, now: Self.later))
        #expect(late.label == "deemed_consent")
        #expect(late.verdict.outcome == .late)
    }

    @Test func aReplyWithinTheLimitCountsAsGiven() throws {
        var net = F.network()
        let q = net.write(0, kind: WorkflowKinds.inquiry, body: ["to": "d2", "subject": "s", "question": "q", "workingDays": 1],
                          at: F.ms("2026-10-09T10:00:00"))
        net.sync(from: 0, to: 2)
        net.write(2, kind: WorkflowKinds.reply, body: ["inquiry": .string(q.id.hex), "consent": false, "text": "不同意"], at: F.ms("2026-10-10T17:00:00"))
        let r = everything(net)
        let st = try r.workflow.status(of: r.workflow.inquiries[q.id]!, ctx(r, now: Self.later))
        #expect(st.label == "objected")
        #expect(st.responsible == nil)
    }

    // MARK: conflicts

    @Test func concurrentCorrectionsAreKeptSideBySideUntilResolved() {
        var (net, a, _) = approvedAndPushed()
        // Two bureau replicas are modelled as one author writing without seeing itself is impossible,
        // so the bureau corrects twice without superseding: both values stand.
        let c1 = net.write(0, kind: WorkflowKinds.correction, body: ["approval": .string(a.id.hex), "field": "contact", "value": "0635-7654321"])
        let c2 = net.write(0, kind: WorkflowKinds.correction, body: ["approval": .string(a.id.hex), "field": "contact", "value": "13800000000"])
        var wf = everything(net).workflow
        #expect(wf.conflicts.count == 1)
        #expect(Set(wf.fieldValues(a.id, field: "contact").map(\.value)) == ["0635-7654321", "13800000000"])
        // A later correction that supersedes both resolves the conflict.
        net.write(0, kind: WorkflowKinds.correction, body: ["approval": .string(a.id.hex), "field": "contact", "value": "13800000000",
                                                            "supersedes": .array([c1.id, c2.id].sorted().map { .string($0.hex) })])
        wf = everything(net).workflow
        #expect(wf.conflicts.isEmpty)
        #expect(wf.fieldValues(a.id, field: "contact").map(\.value) == ["13800000000"])
        // Only the issuing bureau corrects.
        let (byRegulator, _) = net.draft(1, kind: WorkflowKinds.correction, body: ["approval": .string(a.id.hex), "field": "contact", "value": "x"])
        #expect(rejection(decide(net, byRegulator)) == .forbiddenKind)
    }
}
