import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// RULES.md R1–R10, R12 as signed operations and pure projections
/// (issue #4), on in-memory replicas.
@Suite struct WorkflowTests {
    typealias F = Fixtures
    static let later = F.ms("2027-01-01T00:00:00")

    /// A replica holding every operation of the network.
    func everything(_ net: TestNetwork) -> MemoryReplica {
        var r = MemoryReplica(network: net.network)
        r.ingest(net.ops, now: Self.later)
        return r
    }

    func ctx(_ r: MemoryReplica, now: Int64) -> JudgeContext {
        JudgeContext(rosters: r.rosterVersions, now: now)
    }

    /// Offers `op` to a replica holding the network and returns the decision.
    func decide(_ net: TestNetwork, _ op: VerifiedOp) -> IngestDecision {
        var r = everything(net)
        return r.ingest([op], now: Self.later)[0]
    }

    func rejection(_ d: IngestDecision) -> OpCode? { if case .reject(let e) = d { return e.code }; return nil }

    /// Bureau approves at 2026-09-30 16:00 and pushes to market (d1): the
    /// T2 example, whose 2-working-day limit crosses the National Day holiday.
    func approvedAndPushed() -> (TestNetwork, approval: VerifiedOp, push: VerifiedOp) {
        var net = F.network()
        let a = net.write(0, kind: WorkflowKinds.approval, body: F.approval(), at: F.ms("2026-09-30T15:59:00"))
        let p = net.write(0, kind: WorkflowKinds.push, body: F.push(a.id, to: "d1"), at: F.ms("2026-09-30T16:00:00"))
        net.sync(from: 0, to: 1); net.sync(from: 0, to: 2); net.sync(from: 0, to: 3)
        return (net, a, p)
    }

    // MARK: R1, R8 content

    /// A bundle verifier folds whatever operations a bundle holds: an act
    /// on a push or inquiry by anyone but its addressee (which a replica
    /// refuses at ingest) must not count, or a bureau could "claim" its own
    /// push for the market.
    @Test func onlyTheAddresseesActsCount() throws {
        var (net, _, push) = approvedAndPushed()
        let q = net.write(0, kind: WorkflowKinds.inquiry, body: ["to": "d1", "subject": "环评意见", "question": "是否同意？", "workingDays": 2], at: F.ms("2026-09-30T16:05:00"))
        net.sync(from: 0, to: 2)
        let byOther = net.draft(2, kind: WorkflowKinds.claim, body: F.claim(push.id), at: F.ms("2026-10-08T09:00:00")).0
        let byBureau = net.draft(0, kind: WorkflowKinds.claim, body: F.claim(push.id), at: F.ms("2026-10-08T09:00:00")).0
        #expect(rejection(decide(net, byOther)) == .notAddressee && rejection(decide(net, byBureau)) == .notAddressee)
        let replyByOther = net.draft(2, kind: WorkflowKinds.reply, body: ["inquiry": .string(q.id.hex), "consent": true, "text": "同意"],
                                     at: F.ms("2026-10-01T09:00:00")).0
        let roster = try RosterState(genesis: net.genesis)
        let forged = Workflow(ops: net.ops + [byOther, byBureau, replyByOther], roster: roster)
        #expect(forged.pushes[push.id]?.claims.isEmpty == true)
        #expect(forged.inquiries[q.id]?.replies.isEmpty == true)
        let honest = net.draft(1, kind: WorkflowKinds.claim, body: F.claim(push.id), at: F.ms("2026-10-08T09:00:00")).0
        #expect(Workflow(ops: net.ops + [honest], roster: roster).pushes[push.id]?.claims.map(\.id) == [honest.id])
    }

    @Test func approvalCarriesR1ContentAndValidatesTheCreditCode() throws {
        #expect(throws: Never.self) { try ApprovalBody(json: F.approval()) }
        let bad = F.codeA.dropLast() + (F.codeA.last == "0" ? "1" : "0")
        #expect { try ApprovalBody(json: F.approval(code: String(bad))) } throws: { e in
            (e as? OpRejection)?.code == .invalidBody && "\(e)".contains("check character")
        }
        #expect(throws: OpRejection.self) { try ApprovalBody(json: F.approval(code: "91371500MA3C4XYW1I")) }   // I is not in the alphabet
        // 告知承诺 items carry their commitment letter (R1).
        #expect { try ApprovalBody(json: F.approval(commitment: true)) } throws: { "\($0)".contains("commitmentLetter") }
        // R8: a penalty without a subject's credit code is refused.
        #expect { try SupervisionBody(json: F.supervision(code: nil)) } throws: { "\($0)".contains("R8") }
        #expect(throws: Never.self) { try SupervisionBody(json: F.supervision(category: "training", code: nil)) }
    }

    @Test func creditCodeCheckCharacterMatchesKnownCodes() {
        for code in ["91350100M000100Y43", "91110000802100433B", "91370000163056489U"] { #expect(CreditCode.problem(code) == nil, "\(code)") }
        #expect(CreditCode.problem("91350100M000100Y44")?.contains("should be 3") == true)
        #expect(CreditCode.problem("9135")?.contains("18 characters") == true)
    }

    @Test func aRegulatorCannotIssueAnApproval() {
        let (net, _, _) = approvedAndPushed()
        let (op, _) = net.draft(1, kind: WorkflowKinds.approval, body: F.approval())
        #expect(rejection(decide(net, op)) == .forbiddenKind)
    }

    @Test func anInvalidCreditCodeIsRefusedAtIngestToo() {
        let net = F.network()
        let body = F.approval(code: "91371500MA3C4XYW10")
        let (op, _) = net.draft(0, kind: WorkflowKinds.approval, body: body)
        // The signer does not validate; the receiving replica does (steps 1–11).
        #expect(throws: OpRejection.self) { try VerifiedOp.verify(op.envelope, network: net.network) }
    }

    // MARK: R2 claim limit, exact moments, auto-claim

    @Test(arguments: [
        ("2026-10-09T23:59:59", "claimed_on_time", nil as String?),
        ("2026-10-10T00:00:00", "claimed_late", "d1"),
        ("2026-10-08T09:00:00", "claimed_on_time", nil),
    ])
    func claimIsJudgedAgainstTheWorkingDayLimit(at: String, label: String, responsible: String?) throws {
        var (net, _, p) = approvedAndPushed()
        net.write(1, kind: WorkflowKinds.claim, body: F.claim(p.id), at: F.ms(at))
        let r = everything(net)
        let wf = r.workflow
        let st = try wf.status(of: wf.pushes[p.id]!, ctx(r, now: F.ms("2026-10-20T00:00:00")))
        #expect(st.claim.due.deadlineRFC3339 == "2026-10-10T00:00:00+08:00")   // T2 example: day 1 = 10-08, day 2 = 10-09
        #expect(st.label == label)
        #expect(st.responsible == responsible)
    }

    @Test func unclaimedPushIsAutoClaimedAtTheLimitNotASecondBefore() throws {
        let (net, _, p) = approvedAndPushed()
        let r = everything(net)
        let wf = r.workflow
        let before = try wf.status(of: wf.pushes[p.id]!, ctx(r, now: F.ms("2026-10-09T23:59:59")))
        let at = try wf.status(of: wf.pushes[p.id]!, ctx(r, now: F.ms("2026-10-10T00:00:00")))
        #expect(before.label == "pending")
        #expect(at.label == "auto_claimed")
        #expect(at.responsible == "d1")
        #expect(at.claim.basis == .noActByLimit)
        // It sits in market's inbox until the limit, with the time left.
        let inbox = try wf.inbox(for: "d1", ctx(r, now: F.ms("2026-10-08T10:00:00")))
        #expect(inbox.map(\.id) == [p.id])
        #expect(Workflow.timeLeft(inbox[0].due!, now: F.ms("2026-10-08T10:00:00"), calendar: r.roster!.calendar) == (2, 38))
        // On the day of the push (not counted, T2) a clerk sees the limit's 2 working days, not 3 (issue 15).
        #expect(Workflow.timeLeft(inbox[0].due!, now: p.header.clock.time, calendar: r.roster!.calendar).workingDays == 2)
        #expect(Workflow.timeLeft(inbox[0].due!, now: F.ms("2026-10-09T23:30:00"), calendar: r.roster!.calendar) == (1, 0))
        #expect(try wf.inbox(for: "d1", ctx(r, now: F.ms("2026-10-10T00:00:00"))).isEmpty)
    }

    @Test func claimingAPushAddressedToAnotherDepartmentIsRefused() {
        let (net, _, p) = approvedAndPushed()
        let (op, _) = net.draft(2, kind: WorkflowKinds.claim, body: F.claim(p.id))
        guard case .reject(let e) = decide(net, op) else { Issue.record("accepted"); return }
        #expect(e.code == .notAddressee)
        #expect(e.reason.contains("addressed to d1"))
    }

    @Test func aClaimWaitsForThePushItNames() {
        let (net, _, p) = approvedAndPushed()
        let (claim, _) = net.draft(1, kind: WorkflowKinds.claim, body: F.claim(p.id))
        var r = MemoryReplica(network: net.network)
        r.ingest(net.ops.filter { $0.id != p.id }, now: Self.later)
        guard case .wait(let missing) = r.ingest([claim], now: Self.later)[0] else { Issue.record("not waiting"); return }
        #expect(missing.contains(p.id))
        r.ingest([p], now: Self.later)
        #expect(r.held[claim.id] != nil)
    }

    // MARK: R3 who signed

    @Test func aClaimRecordsTheStaffMemberWhoSigned() throws {
        var (net, _, p) = approvedAndPushed()
        let staff = net.write(1, kind: RosterOps.staff, body: StaffMember(
            department: "d1", staffNo: "0042", name: "王芳", office: "许可科",
            validFrom: CivilDate(iso: "2026-01-01")!, validUntil: CivilDate(iso: "2026-12-31")!).json)
        net.write(1, kind: WorkflowKinds.claim, body: F.claim(p.id, staff: staff.id), at: F.ms("2026-10-08T09:30:00"))
        let wf = everything(net).workflow
        let claim = try #require(wf.pushes[p.id]?.claims.first)
        #expect(claim.staff?.name == "王芳")
        #expect(claim.time == F.ms("2026-10-08T09:30:00"))
    }

    /// A bundle holds whatever its maker put in: a claim naming a staff
    /// registration that is missing, of another department or expired on
    /// the claim's date, or an act by a department whose role may not write
    /// it, is what a replica refuses at ingest (step 14), so the fold does
    /// not count it (PROTOCOL.md §8 step 4a).
    @Test func actsAReplicaWouldRefuseDoNotCount() throws {
        var (net, _, p) = approvedAndPushed()
        func member(_ dept: String, until: String) -> JSONValue {
            StaffMember(department: dept, staffNo: "0042", name: "王芳", office: "许可科",
                        validFrom: CivilDate(iso: "2026-01-01")!, validUntil: CivilDate(iso: until)!).json
        }
        let valid = net.write(1, kind: RosterOps.staff, body: member("d1", until: "2026-12-31"), at: F.ms("2026-10-01T09:00:00"))
        let expired = net.write(1, kind: RosterOps.staff, body: member("d1", until: "2026-10-07"), at: F.ms("2026-10-01T09:01:00"))
        let foreign = net.draft(2, kind: RosterOps.staff, body: member("d1", until: "2026-12-31"), at: F.ms("2026-10-01T09:02:00")).0
        let at = F.ms("2026-10-08T09:30:00")
        let roster = try RosterState(genesis: net.genesis)
        func counted(_ extra: [VerifiedOp]) -> [Digest] {
            Workflow(ops: net.ops + [foreign] + extra, roster: roster).pushes[p.id]?.claims.map(\.id) ?? []
        }
        let missing = net.draft(1, kind: WorkflowKinds.claim, body: F.claim(p.id, staff: SHA256.hash([1])), at: at).0
        let byExpired = net.draft(1, kind: WorkflowKinds.claim, body: F.claim(p.id, staff: expired.id), at: at).0
        let byForeign = net.draft(1, kind: WorkflowKinds.claim, body: F.claim(p.id, staff: foreign.id), at: at).0
        let honest = net.draft(1, kind: WorkflowKinds.claim, body: F.claim(p.id, staff: valid.id), at: at).0
        #expect(counted([missing]).isEmpty && counted([byExpired]).isEmpty && counted([byForeign]).isEmpty)
        #expect(counted([honest]) == [honest.id])
        #expect(rejection(decide(net, byExpired)) == .staffInvalid, "the replica refuses what the fold ignores")
    }

    /// PROTOCOL.md §4.2: a limit is judged with the policy in force at the
    /// push's own time (the latest roster version signed at or before it),
    /// whether or not the pusher had received the change; never with a
    /// later one.
    @Test func theClaimLimitIsThePolicyInForceAtThePushsTime() throws {
        var net = F.network()
        let a = net.write(0, kind: WorkflowKinds.approval, body: F.approval(), at: F.ms("2026-10-09T09:00:00"))
        // The oversight office switches to 临淄 (claim: 1 working day) at 10:00; the bureau does not know yet.
        let change = net.rootOp(RosterOps.policy, ["policy": Policy.linzi.json], at: F.ms("2026-10-09T10:00:00"), seenBy: [1, 2, 3])
        let before = net.write(0, kind: WorkflowKinds.push, body: F.push(a.id, to: "d1"), at: F.ms("2026-10-09T09:59:59"))
        let after = net.write(0, kind: WorkflowKinds.push, body: F.push(a.id, to: "d2"), at: F.ms("2026-10-09T10:00:00"))
        #expect(!after.header.deps.contains(change.id), "the pusher had not received the change")
        let r = everything(net)
        let c = ctx(r, now: Self.later)
        let b = try r.workflow.status(of: r.workflow.pushes[before.id]!, c), n = try r.workflow.status(of: r.workflow.pushes[after.id]!, c)
        // 聊城: 2 working days after Friday 10-09: Saturday 10-10 (an adjusted working day), then Monday 10-12.
        #expect(b.claim.due.lastDay.iso == "2026-10-12", "written before the change: 2 working days")
        #expect(n.claim.due.lastDay.iso == "2026-10-10", "written at the change: 1 working day")
        // A replica that has not received the change judges on what it holds; once it has, as everyone.
        var bureau = MemoryReplica(network: net.network)
        bureau.ingest(net.ops.filter { $0.id != change.id }, now: Self.later)
        let old = try bureau.workflow.status(of: bureau.workflow.pushes[after.id]!, ctx(bureau, now: Self.later))
        #expect(old.claim.due.lastDay.iso == "2026-10-12")
        bureau.ingest([change], now: Self.later)
        let now = try bureau.workflow.status(of: bureau.workflow.pushes[after.id]!, ctx(bureau, now: Self.later))
        #expect(now.claim.due.lastDay.iso == "2026-10-10")
    }

    // MARK: R4 feedback, R5 relay

    @Test func feedbackIsJudgedAgainstItsOneDayLimit() throws {
        var (net, _, p) = approvedAndPushed()
        net.write(1, kind: WorkflowKinds.feedback, body: ["push": .string(p.id.hex), "text": "许可证有效期与批复不一致"],
                  at: F.ms("2026-10-09T10:00:00"))
        let r = everything(net)
        let st = try r.workflow.status(of: r.workflow.pushes[p.id]!, ctx(r, now: Self.later))
        #expect(st.feedback?.rule == "R4")
        #expect(st.feedback?.due.lastDay.iso == "2026-10-08")
        #expect(st.feedback?.outcome == .late)
        // Feedback on a push to another department is refused.
        let (other, _) = net.draft(2, kind: WorkflowKinds.feedback, body: ["push": .string(p.id.hex), "text": "x"])
        #expect(rejection(decide(net, other)) == .notAddressee)
    }

    @Test func aRegulatorRelaysWhatItReceivedUpward() throws {
        var (net, a, p) = approvedAndPushed()
        let relay = net.write(1, kind: WorkflowKinds.push, body: F.push(a.id, to: "d3", via: p.id), at: F.ms("2026-10-08T09:00:00"))
        net.sync(from: 1, to: 3)
        net.write(3, kind: WorkflowKinds.claim, body: F.claim(relay.id), at: F.ms("2026-10-08T11:00:00"))
        let r = everything(net)
        #expect(r.held.count == net.ops.count)
        let st = try r.workflow.status(of: r.workflow.pushes[relay.id]!, ctx(r, now: Self.later))
        #expect(st.label == "claimed_on_time")
        #expect(st.push.body.via == p.id)
        // Ecology (d2) received nothing, so it cannot relay market's push.
        let (bad, _) = net.draft(2, kind: WorkflowKinds.push, body: F.push(a.id, to: "d3", via: p.id))
        #expect(rejection(decide(net, bad)) == .notAddressee)
        // Nor push the bureau's approval as if it were its own.
        let (own, _) = net.draft(2, kind: WorkflowKinds.push, body: F.push(a.id, to: "d3"))
        #expect(rejection(decide(net, own)) == .notAddressee)
    }
}
