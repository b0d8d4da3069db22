import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// R13 (001 附件2 专项审查): opinions by the end of the meeting day, absent
/// without reason or silent counts as consent, no agreement escalates to
/// the city government, minutes issued to and acknowledged by everyone.
extension WorkflowTests {
    /// d0 the bureau, d1 and d2 regulators reviewing, d3 the city
    /// government (oversight), d4 another bureau, d5 a regulator not invited.
    func reviewNetwork() -> TestNetwork {
        TestNetwork(authors: 6, seed: 13, startMillis: F.ms("2026-09-01T09:00:00"),
                    roles: [.approval, .regulator, .regulator, .oversight, .approval, .regulator], policy: .liaocheng)
    }

    func convene(meeting: String, participants: [String] = ["d1", "d2"]) -> JSONValue {
        ["topic": "化工项目安全条件审查", "scope": "workSafety", "participants": .array(participants.map { .string($0) }), "meetingDate": .string(meeting)]
    }

    /// A meeting on Wednesday 09-30, the last working day before the
    /// National Day holiday: an opinion signed at 23:59 that day counts; one
    /// signed at 10-01 00:00 does not, and the participant is deemed to
    /// consent. The bureau's witness bounds each opinion.
    @Test func anOpinionCountsByTheEndOfTheMeetingDayAndSilenceIsConsent() throws {
        for (at, label) in [("2026-09-30T23:59:00", "objected"), ("2026-10-01T00:00:00", "deemed_consent")] {
            var net = reviewNetwork()
            let r = net.write(0, kind: WorkflowKinds.reviewConvene, body: convene(meeting: "2026-09-30"), at: F.ms("2026-09-28T10:00:00"))
            net.sync(from: 0, to: 1); net.sync(from: 0, to: 2)
            net.write(1, kind: WorkflowKinds.reviewOpinion, body: ["review": .string(r.id.hex), "position": "object", "text": "选址距水源地不足1公里"], at: F.ms(at))
            net.sync(from: 1, to: 0)
            net.write(0, kind: OpKinds.note, body: ["text": "收到意见"], at: F.ms(at) + 30_000)
            let m = everything(net)
            let st = try #require(m.workflow.reviews[r.id].map { m.workflow.status(of: $0, ctx(m, now: F.ms("2026-10-09T12:00:00"))) })
            let d1 = try #require(st.positions.first { $0.department == "d1" })
            #expect(d1.verdict.rule == "R13" && d1.verdict.due.deadlineRFC3339 == "2026-10-01T00:00:00+08:00")
            #expect(d1.label == label, "\(at): \(d1.verdict.evidence)")
            // d2 said nothing: consent once the meeting day is over.
            #expect(st.positions.first { $0.department == "d2" }?.label == "deemed_consent")
            #expect(st.outcome == (label == "objected" ? "disagreement" : "agreed"))
        }
        // Before the meeting day ends, silence is still open.
        var net = reviewNetwork()
        let r = net.write(0, kind: WorkflowKinds.reviewConvene, body: convene(meeting: "2026-09-30"), at: F.ms("2026-09-28T10:00:00"))
        let m = everything(net)
        let open = try #require(m.workflow.reviews[r.id].map { m.workflow.status(of: $0, ctx(m, now: F.ms("2026-09-30T23:59:59"))) })
        #expect(open.positions.map(\.label) == ["awaiting", "awaiting"] && open.outcome == "open")
    }

    @Test func opinionsMinutesAndAcknowledgementsComeFromTheRightDepartments() throws {
        var net = reviewNetwork()
        // Participants are other departments that give opinions: not the bureau itself, not another bureau.
        for bad in [["d0", "d1"], ["d1", "d4"], ["d1", "d9"]] {
            let (op, _) = net.draft(0, kind: WorkflowKinds.reviewConvene, body: convene(meeting: "2026-10-13", participants: bad))
            #expect(rejection(decide(net, op)) == .invalidRef, "\(bad)")
        }
        #expect(throws: OpRejection.self) {   // §2.5 step 11: sorted, no repeats
            try OpKinds.validate(kind: WorkflowKinds.reviewConvene, body: convene(meeting: "2026-10-13", participants: ["d2", "d1"]))
        }
        let r = net.write(0, kind: WorkflowKinds.reviewConvene, body: convene(meeting: "2026-10-13"), at: F.ms("2026-10-09T10:00:00"))
        for to in 1...5 { net.sync(from: 0, to: to) }
        var m = everything(net)
        let morning = ctx(m, now: F.ms("2026-10-13T09:00:00"))
        #expect(try m.workflow.inbox(for: "d1", morning).map(\.action) == ["opine"])
        #expect(try m.workflow.inbox(for: "d0", morning).map(\.action) == ["conclude"])
        #expect(try m.workflow.inbox(for: "d5", morning).isEmpty)
        // d5 was not invited; the oversight office gives no opinion; another bureau writes no minutes.
        let opinion: JSONValue = ["review": .string(r.id.hex), "position": "agree"]
        #expect(rejection(decide(net, net.draft(5, kind: WorkflowKinds.reviewOpinion, body: opinion).0)) == .notAddressee)
        #expect(rejection(decide(net, net.draft(3, kind: WorkflowKinds.reviewOpinion, body: opinion).0)) == .forbiddenKind)
        let minutes: JSONValue = ["review": .string(r.id.hex), "outcome": "escalated", "text": "生态意见不一致，报市政府决定", "escalateTo": "d3"]
        #expect(rejection(decide(net, net.draft(4, kind: WorkflowKinds.reviewMinutes, body: minutes).0)) == .notAddressee)
        // Escalating to another bureau (which acknowledges nothing) is refused.
        let toBureau: JSONValue = ["review": .string(r.id.hex), "outcome": "escalated", "text": "x", "escalateTo": "d4"]
        #expect(rejection(decide(net, net.draft(0, kind: WorkflowKinds.reviewMinutes, body: toBureau).0)) == .invalidRef)

        net.write(1, kind: WorkflowKinds.reviewOpinion, body: ["review": .string(r.id.hex), "position": "object", "text": "选址不符合规划"], at: F.ms("2026-10-13T10:00:00"))
        net.write(2, kind: WorkflowKinds.reviewOpinion, body: ["review": .string(r.id.hex), "position": "absent", "text": "执法任务"], at: F.ms("2026-10-13T10:05:00"))
        net.sync(from: 1, to: 0); net.sync(from: 2, to: 0)
        let mins = net.write(0, kind: WorkflowKinds.reviewMinutes, body: minutes, at: F.ms("2026-10-13T16:00:00"))
        for to in 1...5 { net.sync(from: 0, to: to) }
        m = everything(net)
        let evening = ctx(m, now: F.ms("2026-10-14T09:00:00"))
        let st = try #require(m.workflow.reviews[r.id].map { m.workflow.status(of: $0, evening) })
        #expect(st.positions.map(\.label) == ["objected", "excused"] && st.outcome == "disagreement" && st.contradictedMinutes.isEmpty)
        for d in ["d1", "d2", "d3"] { #expect(try m.workflow.inbox(for: d, evening).map(\.action) == ["acknowledge"], "\(d)") }
        #expect(try m.workflow.inbox(for: "d0", evening).isEmpty && m.workflow.inbox(for: "d5", evening).isEmpty)
        // d5 received nothing to acknowledge; the city government acknowledges.
        #expect(rejection(decide(net, net.draft(5, kind: WorkflowKinds.reviewAck, body: ["minutes": .string(mins.id.hex)]).0)) == .notAddressee)
        net.write(3, kind: WorkflowKinds.reviewAck, body: ["minutes": .string(mins.id.hex)], at: F.ms("2026-10-14T10:00:00"))
        m = everything(net)
        #expect(try m.workflow.inbox(for: "d3", ctx(m, now: F.ms("2026-10-14T11:00:00"))).isEmpty)
        #expect(m.workflow.reviews[r.id]?.minutes.first?.acks.map(\.department) == ["d3"])
    }

    /// Minutes that say "agreed" over an objection made in time are kept and
    /// flagged (the objection may arrive after the minutes).
    @Test func minutesAgreedOverAnObjectionAreFlagged() throws {
        var net = reviewNetwork()
        let r = net.write(0, kind: WorkflowKinds.reviewConvene, body: convene(meeting: "2026-10-13"), at: F.ms("2026-10-09T10:00:00"))
        net.sync(from: 0, to: 1)
        let mins = net.write(0, kind: WorkflowKinds.reviewMinutes, body: ["review": .string(r.id.hex), "outcome": "agreed", "text": "一致同意"], at: F.ms("2026-10-13T11:00:00"))
        net.write(1, kind: WorkflowKinds.reviewOpinion, body: ["review": .string(r.id.hex), "position": "object", "text": "不同意"], at: F.ms("2026-10-13T10:30:00"))
        net.sync(from: 1, to: 0)
        net.write(0, kind: OpKinds.note, body: ["text": "收到"], at: F.ms("2026-10-13T12:00:00"))
        let m = everything(net)
        let st = try #require(m.workflow.reviews[r.id].map { m.workflow.status(of: $0, ctx(m, now: F.ms("2026-10-14T12:00:00"))) })
        #expect(st.outcome == "disagreement" && st.contradictedMinutes == [mins.id])
    }
}
