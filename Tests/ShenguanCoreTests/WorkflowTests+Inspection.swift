import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// R14 (002 第十一条): a joint site inspection is announced at least one
/// working day ahead; the bureau's report and the regulator's
/// countersignature make the joint report.
extension WorkflowTests {
    /// d0 and d2 bureaus, d1 and d3 regulators.
    func inspectionNetwork() -> TestNetwork { F.network(roles: [.approval, .regulator, .approval, .regulator]) }

    func notice(visit: String) -> JSONValue {
        ["to": "d1", "visitDate": .string(visit), "place": "东昌府区古楼街道", "subject": "食品经营场所现场核查"]
    }

    /// A visit on Monday 10-12: the last working day before it is Saturday
    /// 10-10 (worked in 2026 for the National Day holiday), so the notice
    /// is due by 10-10 24:00, to the second; a witness of the regulator
    /// bounds each notice.
    @Test func aNoticeIsDueByTheLastWorkingDayBeforeTheVisit() throws {
        for (at, outcome) in [("2026-10-10T23:59:00", Verdict.Outcome.onTime), ("2026-10-11T00:00:00", .late)] {
            var net = inspectionNetwork()
            let n = net.write(0, kind: WorkflowKinds.inspectionNotice, body: notice(visit: "2026-10-12"), at: F.ms(at))
            net.sync(from: 0, to: 1)
            net.write(1, kind: OpKinds.note, body: ["text": "收到勘验通知"], at: F.ms(at) + 30_000)
            let r = everything(net)
            let v = try #require(r.workflow.inspections[n.id].flatMap { r.workflow.noticeVerdict(of: $0, ctx(r, now: F.ms("2026-10-20T12:00:00"))) })
            #expect(v.rule == "R14" && v.due.lastDay.iso == "2026-10-10" && v.due.deadlineRFC3339 == "2026-10-11T00:00:00+08:00")
            #expect(v.outcome == outcome, "\(at): \(v.evidence)")
        }
        // Across the holiday: a visit on Thursday 10-08 is announced by Wednesday 09-30, the last working day before 10-01…10-07.
        #expect(Workflow.noticeDue(visit: CivilDate(iso: "2026-10-08")!, calendar: OfficialCalendar.calendar)?.lastDay.iso == "2026-09-30")
    }

    @Test func onlyTheAnnouncingBureauReportsAndOnlyTheNotifiedRegulatorCountersigns() throws {
        var net = inspectionNetwork()
        let n = net.write(0, kind: WorkflowKinds.inspectionNotice, body: notice(visit: "2026-10-12"), at: F.ms("2026-10-09T10:00:00"))
        for to in 1...3 { net.sync(from: 0, to: to) }
        #expect(try everything(net).workflow.inbox(for: "d1", ctx(everything(net), now: F.ms("2026-10-12T09:00:00"))).map(\.action) == ["inspect"])
        // The regulator may not write the report; another bureau may not either.
        let (byRegulator, _) = net.draft(1, kind: WorkflowKinds.inspectionReport, body: ["notice": .string(n.id.hex), "findings": "x"])
        #expect(rejection(decide(net, byRegulator)) == .forbiddenKind)
        let (byOtherBureau, _) = net.draft(2, kind: WorkflowKinds.inspectionReport, body: ["notice": .string(n.id.hex), "findings": "x"])
        #expect(rejection(decide(net, byOtherBureau)) == .notAddressee)
        // A notice to oneself, or to no department, is refused.
        let (toSelf, _) = net.draft(0, kind: WorkflowKinds.inspectionNotice, body: ["to": "d0", "visitDate": "2026-10-12", "place": "x", "subject": "y"])
        #expect(rejection(decide(net, toSelf)) == .invalidRef)
        let report = net.write(0, kind: WorkflowKinds.inspectionReport, body: ["notice": .string(n.id.hex), "findings": "经营场所与申请材料一致"],
                               at: F.ms("2026-10-12T16:00:00"))
        for to in 1...3 { net.sync(from: 0, to: to) }
        var r = everything(net)
        #expect(try r.workflow.inbox(for: "d1", ctx(r, now: F.ms("2026-10-12T17:00:00"))).map(\.action) == ["countersign"])
        // Only d1 was notified: d3's countersignature is refused; disagreeing needs reasons.
        let (byOther, _) = net.draft(3, kind: WorkflowKinds.inspectionCountersign, body: ["report": .string(report.id.hex), "agree": true])
        #expect(rejection(decide(net, byOther)) == .notAddressee)
        #expect(throws: OpRejection.self) {   // §2.5 step 11: the schema
            try OpKinds.validate(kind: WorkflowKinds.inspectionCountersign, body: ["report": .string(report.id.hex), "agree": false])
        }
        try OpKinds.validate(kind: WorkflowKinds.inspectionCountersign, body: ["report": .string(report.id.hex), "agree": false, "text": "面积不符"])
        net.write(1, kind: WorkflowKinds.inspectionCountersign, body: ["report": .string(report.id.hex), "agree": true], at: F.ms("2026-10-12T17:30:00"))
        r = everything(net)
        #expect(r.workflow.inspections[n.id]?.reports.first?.isJoint == true)
        #expect(try r.workflow.inbox(for: "d1", ctx(r, now: F.ms("2026-10-12T18:00:00"))).isEmpty)
    }

    /// R15 (001 附件3): a request a day ahead; the officer at least two
    /// years in the asked department on the day needed.
    @Test func aLiaisonOfficerIsAskedADayAheadAndHasTwoYearsInTheDepartment() throws {
        var net = inspectionNetwork()
        func member(_ from: String) -> JSONValue {
            StaffMember(department: "d1", staffNo: "L\(from.prefix(4))", name: "联络员", office: "执法科",
                        validFrom: CivilDate(iso: from)!, validUntil: CivilDate(iso: "2027-12-31")!).json
        }
        let senior = net.write(1, kind: RosterOps.staff, body: member("2024-10-14"), at: F.ms("2026-09-01T10:00:00"))
        let junior = net.write(1, kind: RosterOps.staff, body: member("2024-10-15"), at: F.ms("2026-09-01T10:01:00"))
        // A day ahead is a calendar day (001 附件3 提前一天): the National Day holiday does not move it, so a
        // request for the first working day after it is on time on the holiday's last evening.
        for (needed, at, outcome) in [("2026-10-14", "2026-10-13T23:59:00", Verdict.Outcome.onTime), ("2026-10-14", "2026-10-14T00:00:00", .late),
                                      ("2026-10-08", "2026-10-07T23:59:59", .onTime), ("2026-10-08", "2026-10-08T00:00:00", .late)] {
            var n = net
            let req = n.write(0, kind: WorkflowKinds.liaisonRequest, body: ["to": "d1", "neededOn": .string(needed), "purpose": "联合勘验"], at: F.ms(at))
            n.sync(from: 0, to: 1)
            n.write(1, kind: OpKinds.note, body: ["text": "收到"], at: F.ms(at) + 30_000)
            let r = everything(n)
            let v = try #require(r.workflow.liaisons[req.id].map { r.workflow.liaisonVerdict(of: $0, ctx(r, now: F.ms("2026-10-20T12:00:00"))) })
            #expect(v.rule == "R15" && v.due.deadlineRFC3339 == "\(needed)T00:00:00+08:00" && v.outcome == outcome, "\(at): \(v.evidence)")
        }
        let req = net.write(0, kind: WorkflowKinds.liaisonRequest, body: ["to": "d1", "neededOn": "2026-10-14", "purpose": "联合勘验"], at: F.ms("2026-10-12T10:00:00"))
        for to in [1, 3] { net.sync(from: 0, to: to) }
        #expect(try everything(net).workflow.inbox(for: "d1", ctx(everything(net), now: F.ms("2026-10-12T11:00:00"))).map(\.action) == ["appoint"])
        // Registered from 2024-10-15: one day short of two years on 2026-10-14. Another department's staff, or another department: refused.
        let (short, _) = net.draft(1, kind: WorkflowKinds.liaisonAppoint, body: ["request": .string(req.id.hex), "officer": .string(junior.id.hex)])
        #expect(rejection(decide(net, short)) == .staffInvalid)
        let (byOther, _) = net.draft(3, kind: WorkflowKinds.liaisonAppoint, body: ["request": .string(req.id.hex), "officer": .string(senior.id.hex)])
        #expect(rejection(decide(net, byOther)) == .notAddressee)
        net.write(1, kind: WorkflowKinds.liaisonAppoint, body: ["request": .string(req.id.hex), "officer": .string(senior.id.hex)], at: F.ms("2026-10-12T12:00:00"))
        let r = everything(net)
        #expect(r.workflow.liaisons[req.id]?.appointments.count == 1)
        #expect(try r.workflow.inbox(for: "d1", ctx(r, now: F.ms("2026-10-12T13:00:00"))).isEmpty)
    }
}
