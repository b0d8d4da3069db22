import Foundation
import Synchronization
import Testing
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica
import ShenguanStore
import ShenguanTestSupport

/// The writes of the application layer, driven in-process on real
/// replicas: every check runs before signing, and a refusal leaves the
/// replica exactly as it was (issue 15).
@Suite struct ClerkWriteTests {
    @Test func approvalAndItsPushesAreOneTransactionCheckedBeforeSigning() throws {
        let d = try Desk("clerk-approve"); defer { d.dir.remove() }
        let bureau = try d.clerk(d.bureau, at: "2026-09-30T16:00:00")
        let before = try d.bureau.store.count()
        // An unknown department, a mistyped credit code, an oversize file: refused, nothing written.
        var bad = d.approval(to: ["d1", "nowhere"])
        #expect(d.refusal { _ = try bureau.approve(bad) }?.code == "workflow.unknown_department")
        bad = d.approval(code: String(F.codeA.dropLast()) + (F.codeA.hasSuffix("0") ? "1" : "0"))
        #expect(d.refusal { _ = try bureau.approve(bad) }?.code == "workflow.credit_code")
        bad = d.approval(); bad.attachments = [FileUpload(name: "big.pdf", bytes: [UInt8](repeating: 1, count: AttachmentBody.maxBytes + 1))]
        let tooLarge = d.refusal { _ = try bureau.approve(bad) }
        #expect(tooLarge?.code == "attachment.too_large" && tooLarge?.chinese.contains("附件") == true)
        #expect(try d.bureau.store.count() == before)
        // A valid one: attachment, approval and both pushes, in one chain segment.
        var ok = d.approval(to: ["d1", "d2"])
        ok.attachments = [FileUpload(name: "scan.pdf", bytes: Array("%PDF-1.4".utf8))]
        let res = try bureau.approve(ok)
        #expect(try d.bureau.store.count() == before + 4)
        #expect(res.pushes.map(\.push.body.to) == ["d1", "d2"] && res.pushes.allSatisfy { $0.label == "pending" })
        #expect(res.pushes.allSatisfy { $0.claim.due.lastDay == CivilDate(iso: "2026-10-09")! })   // after the National Day holiday
        // The same licence number again is refused: a licence number names one licence.
        #expect(d.refusal { _ = try bureau.approve(d.approval()) }?.code == "workflow.duplicate_licence")
        #expect(try d.bureau.store.count() == before + 4)
    }

    /// Issue 15 item 3: a year without an official calendar never blocks
    /// work; its limits are provisional (weekends only, §4.2) and judged
    /// again when the oversight office adds the year.
    @Test func aYearWithoutAnOfficialCalendarIsJudgedProvisionallyUntilItsTableArrives() throws {
        var d = try Desk("clerk-calendar"); defer { d.dir.remove() }
        // 12-31 16:00, 2 working days: 2027 has no table yet, so 01-01 (Friday) counts provisionally.
        let res = try d.clerk(d.bureau, at: "2026-12-31T16:00:00").approve(d.approval())
        let claim = res.pushes[0].claim
        #expect(claim.provisional && claim.due.lastDay == CivilDate(iso: "2027-01-04")!)
        #expect(Workflow.json(claim)["provisionalCalendar"] == .bool(true))
        #expect(try d.clerk(d.bureau, at: "2027-01-02T09:00:00").reader.report("JY13715000001").lines.contains { $0.contains("暂定") })
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-12-31T17:00:00")
        let inbox = try ReplicaReader(store: d.market.store, now: F.ms("2027-01-02T09:00:00"), department: "d1").inbox()
        #expect(inbox.json["items"]?.arrayValue?.first?["provisionalCalendar"] == .bool(true))
        // The oversight office publishes 2027 (01-01 a holiday): the same push is judged again, exactly.
        let y2027 = CalendarYear(year: 2027, holidays: [CivilDate(iso: "2027-01-01")!], adjustedWorkingDays: [], source: "test notice")
        let op = d.net.rootOp(RosterOps.calendar, ["year": RosterOps.json(year: y2027)], at: F.ms("2027-01-02T08:00:00"))
        for s in [d.bureau.store, d.market.store] { _ = try s.ingest([op.envelope], now: F.ms("2027-01-02T08:00:00")) }
        let again = try ReplicaReader(store: d.market.store, now: F.ms("2027-01-02T09:00:00"), department: "d1").inbox()
        let item = try #require(again.items.first)
        #expect(item.due?.lastDay == CivilDate(iso: "2027-01-05")! && !again.context.calendar.isProvisional(item.due!))
        #expect(again.json["items"]?.arrayValue?.first?["provisionalCalendar"] == nil)
        #expect(try d.market.store.checkReadModel().isConsistent)
    }

    @Test func aClaimNeedsItsStaffMemberAndHappensOnce() throws {
        let d = try Desk("clerk-claim"); defer { d.dir.remove() }
        try d.registerStaff()
        let pushed = try d.clerk(d.bureau, at: "2026-09-30T16:00:00").approve(d.approval())
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-08T09:00:00")
        let market = try d.clerk(d.market, at: "2026-10-08T09:30:00")
        let before = try d.market.store.count()
        // R3: no staff member, or one that is not registered: refused, and the sentence says what to do.
        let none = d.refusal { _ = try market.claim("JY13715000001", staff: nil) }
        #expect(none?.code == "staff.required" && none?.chinese.contains("签收人") == true)
        let unknown = d.refusal { _ = try market.claim("JY13715000001", staff: "9999") }
        #expect(unknown?.code == "staff.unknown" && unknown?.message.contains("not a staff number of d1; registered: S01 王芳") == true, "\(String(describing: unknown))")
        #expect(try d.market.store.count() == before)
        // Named by licence number: the one push to this department.
        let claimed = try market.claim("JY13715000001", staff: "S01")
        #expect(claimed.status.push.act.id == pushed.pushes[0].push.act.id)
        #expect(claimed.status.label == "claimed_on_time" || claimed.status.label == "claimed_awaiting_witness")
        #expect(claimed.status.push.claims.first?.staff?.name == "王芳")
        let after = try d.market.store.count()
        let again = d.refusal { _ = try market.claim(pushed.pushes[0].push.act.id.hex, staff: "S01") }
        #expect(again?.code == "workflow.already_claimed" && again?.message.contains("王芳 (S01)") == true)
        #expect(try d.market.store.count() == after)
    }

    @Test func staffNumbersAreUniquePerDepartmentAndPeriod() throws {
        let d = try Desk("clerk-staff"); defer { d.dir.remove() }
        let bureau = try d.clerk(d.bureau, at: "2026-09-01T10:00:00")
        func reg(_ no: String, _ from: String, _ until: String) throws(ReplicaError) {
            _ = try bureau.registerStaff(StaffRegistration(staffNo: no, name: "张三", office: "窗口",
                                                           validFrom: CivilDate(iso: from)!, validUntil: CivilDate(iso: until)!))
        }
        try reg("A001", "2026-01-01", "2026-06-30")
        #expect(d.refusal { try reg("A001", "2026-06-01", "2026-12-31") }?.code == "staff.duplicate")
        #expect(d.refusal { try reg("A002", "2026-12-31", "2026-01-01") }?.code == "staff.period")
        try reg("A001", "2026-07-01", "2026-12-31")   // a later period of the same person is allowed
        #expect(try bureau.reader.staff(department: "d0").filter { $0.member.staffNo == "A001" }.count == 2)
        // The default staff of an account must be a valid staff number of this department.
        #expect(d.refusal { try bureau.setDefaultStaff("Z999", user: "clerk") }?.code == "staff.unknown")
        try bureau.setDefaultStaff("A001", user: "clerk")
        #expect(try bureau.reader.defaultStaff(user: "clerk") == "A001")
        #expect(try bureau.reader.defaultStaff(user: "other") == nil)
    }

    /// Issue 15: a registration can be ended early. From the day after its
    /// last day the replica refuses to sign with it, the number may be
    /// registered again, and an act another replica signed with it anyway
    /// (offline, before the end reached it) is held and marked.
    @Test func aStaffRegistrationEndedEarlySignsNoMoreAndLaterActsAreMarked() throws {
        let d = try Desk("clerk-staff-end"); defer { d.dir.remove() }
        try d.registerStaff()
        _ = try d.clerk(d.bureau, at: "2026-09-30T16:00:00").approve(d.approval(to: ["d1"]))
        _ = try d.clerk(d.bureau, at: "2026-09-30T16:05:00").approve(d.approval(licence: "JY13715000002", code: F.codeB, applicant: "聊城市东昌饮品店"))
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-08T09:00:00")
        let market = try d.clerk(d.market, at: "2026-10-08T09:30:00")
        let before = try d.market.store.count()
        // Refused before signing: a last day not before the registration's, no reason, no such number.
        #expect(d.refusal { _ = try market.endStaff("S01", lastDay: CivilDate(iso: "2026-12-31")!, reason: "调离") }?.code == "staff.end_late")
        let noReason = d.refusal { _ = try market.endStaff("S01", lastDay: CivilDate(iso: "2026-10-07")!, reason: "") }
        #expect(noReason?.code == "staff.reason" && noReason?.chinese.contains("原因") == true)
        #expect(d.refusal { _ = try market.endStaff("S99", lastDay: CivilDate(iso: "2026-10-07")!, reason: "调离") }?.code == "staff.unknown")
        #expect(try d.market.store.count() == before)
        let old = try #require(try market.reader.staff(department: "d1").first { $0.member.staffNo == "S01" })
        _ = try market.endStaff("S01", lastDay: CivilDate(iso: "2026-10-07")!, reason: "调离")
        #expect(try d.market.store.count() == before + 1)
        #expect(try market.reader.staff(department: "d1").first { $0.id == old.id }?.member.endedOn == CivilDate(iso: "2026-10-07")!)
        #expect(d.refusal { _ = try market.endStaff("S01", lastDay: CivilDate(iso: "2026-10-07")!, reason: "调离") }?.code == "staff.end_late")
        // The replica no longer signs with it, and says why.
        let ended = d.refusal { _ = try market.claim("JY13715000001", staff: "S01") }
        #expect(ended?.code == "staff.ended" && ended?.chinese.contains("已终止") == true, "\(String(describing: ended))")
        #expect(try d.market.store.count() == before + 1)
        // The number is free from the day after: a new registration, and claims with it.
        _ = try market.registerStaff(StaffRegistration(staffNo: "S01", name: "赵磊", office: "窗口",
                                                       validFrom: CivilDate(iso: "2026-10-08")!, validUntil: CivilDate(iso: "2026-12-31")!))
        #expect(try market.claim("JY13715000001", staff: "S01").status.push.claims.first?.staff?.name == "赵磊")
        // An act signed with the ended registration (as an offline replica of the
        // department would): the protocol holds it (an end refuses nothing), the
        // report marks it, and the read model still equals its rebuild.
        let push = try #require(try market.reader.report("JY13715000002").workflow.pushes.values.first)
        let body: JSONValue = ["push": .string(push.act.id.hex), "staff": .string(old.id)]
        _ = try d.market.home.append(store: d.market.store, key: d.market.key, kind: WorkflowKinds.claim, body: body, now: F.ms("2026-10-08T10:00:00"))
        let report = try d.clerk(d.market, at: "2026-10-08T10:30:00").reader.report("JY13715000002")
        #expect(report.lines.contains { $0.contains("王芳 (S01) ⚠ 登记已于 2026-10-07 终止") }, "\(report.lines)")
        #expect(try d.market.store.checkReadModel().isConsistent)
        // The end reaches the bureau with the rest: the same marks there.
        try d.carry(d.market.store, to: d.bureau.store, at: "2026-10-08T11:00:00")
        #expect(try d.clerk(d.bureau, at: "2026-10-08T11:00:00").reader.staff(department: "d1").first { $0.id == old.id }?.member.endedOn
                == CivilDate(iso: "2026-10-07")!)
    }

    @Test func supervisionAndItsPushAreOneTransaction() throws {
        let d = try Desk("clerk-supervise"); defer { d.dir.remove() }
        try d.registerStaff()
        _ = try d.clerk(d.bureau, at: "2026-09-30T16:00:00").approve(d.approval())
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-08T09:00:00")
        let market = try d.clerk(d.market, at: "2026-10-12T10:00:00")
        let before = try d.market.store.count()
        var r = SupervisionRequest(category: "penalty", summary: "罚款 5000 元")
        r.subject = "聊城市鲁西餐饮有限公司"; r.creditCode = F.codeA; r.approval = "JY13715000001"; r.pushTo = ["d0", "nowhere"]
        #expect(d.refusal { _ = try market.supervise(r) }?.code == "workflow.unknown_department")
        #expect(try d.market.store.count() == before)
        r.pushTo = []   // default: the bureau that issued the licence
        let res = try market.supervise(r)
        #expect(try d.market.store.count() == before + 2)
        #expect(res.pushes.map(\.push.body.to) == ["d0"])
        // Not witnessed yet: the R7 verdict says so, never a false "late".
        let pl = try #require(res.pushes[0].pushLimit)
        #expect(pl.outcome == .awaitingWitness || pl.outcome == .onTime)
        #expect(!ClerkWords.pushLimit(pl).contains("AFTER"))
    }

    /// R20: with a credit platform in the roster, supervision about a
    /// licence goes by default to the issuing bureau (R7) and to the credit
    /// platform (R20, 7 working days from the decision); the report counts
    /// the two apart.
    @Test func supervisionGoesToTheCreditPlatformByDefault() throws {
        let d = try Desk("clerk-credit", roles: [.approval, .regulator, .regulator, .credit])
        try d.registerStaff()
        _ = try d.clerk(d.bureau, at: "2026-09-29T10:00:00").approve(d.approval())
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-09-29T11:00:00")
        var r = SupervisionRequest(category: "penalty", summary: "罚款 5000 元")
        r.approval = "JY13715000001"; r.staff = "S01"
        let res = try d.clerk(d.market, at: "2026-09-30T10:00:00").supervise(r)
        #expect(res.pushes.map(\.push.body.to) == ["d0", "d3"])
        let credit = try #require(res.pushes.first { $0.push.body.to == "d3" }?.pushLimit)
        #expect(credit.rule == "R20" && credit.due.lastDay == CivilDate(iso: "2026-10-15")!)
        #expect(res.pushes.first { $0.push.body.to == "d0" }?.pushLimit?.rule == "R7")
        let lines = try d.clerk(d.market, at: "2026-09-30T10:05:00").reader.report(res.record.id.hex).lines
        #expect(lines.contains { $0.contains("R20 push limit 10-15 24:00") }, "\(lines)")
        let (report, _) = try d.clerk(d.market, at: "2026-10-20T10:00:00").reader.timeliness(try ReportPeriod("2026-09"), settle: .max)
        let mine = try #require(report.first { $0.department == "d1" })
        #expect(mine.creditPushes.values.reduce(0, +) == 1 && mine.pushes.values.reduce(0, +) == 1)
        // An explicit list is kept as given.
        r.pushTo = ["d0"]
        #expect(try d.clerk(d.market, at: "2026-09-30T11:00:00").supervise(r).pushes.map(\.push.body.to) == ["d0"])
    }

    @Test func aClosedInquiryCannotBeAnswered() throws {
        let d = try Desk("clerk-inquiry"); defer { d.dir.remove() }
        try d.registerStaff()
        let q = try d.clerk(d.bureau, at: "2026-10-12T11:00:00").inquire(to: "d1", workingDays: 1, subject: "函询", question: "是否同意？", staff: "S01")
        #expect(d.refusal { _ = try d.clerk(d.bureau, at: "2026-10-12T11:00:00").inquire(to: "d1", workingDays: 31, subject: "s", question: "q", staff: nil) }?.code == "workflow.working_days")
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-12T12:00:00")
        // The limit (10-13 24:00) has passed: silence counted as consent (R12).
        let late = try d.clerk(d.market, at: "2026-10-15T09:00:00")
        let before = try d.market.store.count()
        let e = d.refusal { _ = try late.reply(q.op.id.hex, consent: false, text: "不同意", staff: "S01") }
        #expect(e?.code == "workflow.closed" && e?.message.contains("10-13 24:00 周二") == true, "\(String(describing: e))")
        #expect(try d.market.store.count() == before)
    }

    /// Six clerks of one department claim the same push at the same moment,
    /// each through its own connection to the replica file: the check runs
    /// inside the write transaction, so exactly one claim is written.
    @Test func concurrentClaimsOfOnePushWriteExactlyOne() throws {
        let d = try Desk("clerk-race"); defer { d.dir.remove() }
        try d.registerStaff()
        _ = try d.clerk(d.bureau, at: "2026-09-30T16:00:00").approve(d.approval())
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-08T09:00:00")
        let clerks = try (0..<6).map { _ in
            try Clerk(home: d.market.home, store: try d.market.home.open(), key: d.market.key, now: F.ms("2026-10-08T09:30:00"))
        }
        let outcomes = Mutex([String]())
        DispatchQueue.concurrentPerform(iterations: clerks.count) { i in
            let code: String
            do { _ = try clerks[i].claim("JY13715000001", staff: "S01"); code = "ok" } catch { code = (error as? ReplicaError)?.code ?? "\(error)" }
            outcomes.withLock { $0.append(code) }
        }
        let codes = outcomes.withLock { $0 }
        #expect(codes.filter { $0 == "ok" }.count == 1, "\(codes)")
        #expect(codes.filter { $0 != "ok" }.allSatisfy { $0 == "workflow.already_claimed" }, "\(codes)")
        let push = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-08T10:00:00"), department: "d1").resolvePush("JY13715000001", addressedTo: "d1")
        let wf = try d.market.store.itemView(push.id, now: F.ms("2026-10-08T10:00:00")).workflow
        #expect(wf.pushes.values.first { $0.body.to == "d1" }?.claims.count == 1)
    }
}
