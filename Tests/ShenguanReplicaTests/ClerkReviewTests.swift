import Foundation
import Testing
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica
import ShenguanStore
import ShenguanTestSupport

/// R13 through the application layer on real replicas: refusals before
/// anything is signed, the participant's list, one opinion, no "agreed"
/// over an objection, the escalation and the acknowledgements, and the read
/// model equal to its rebuild throughout.
@Suite struct ClerkReviewTests {
    @Test func aSpecialReviewFromConveningToAcknowledgedMinutes() throws {
        // d0 the bureau, d1 market (a replica here), d2 ecology, d3 the city government.
        let d = try Desk("clerk-review", roles: [.approval, .regulator, .regulator, .oversight]); defer { d.dir.remove() }
        try d.registerStaff()
        var r = ReviewRequest(topic: "化工项目安全条件审查", scope: "workSafety", participants: ["d2", "d1", "d2"], meetingDate: CivilDate(iso: "2026-10-13")!)
        r.staff = "S01"
        let before = try d.bureau.store.count()
        var withSelf = r; withSelf.participants = ["d0", "d1"]
        #expect(d.refusal { _ = try d.clerk(d.bureau, at: "2026-10-09T10:00:00").conveneReview(withSelf) }?.code == "workflow.self")
        var withOffice = r; withOffice.participants = ["d3", "d1"]   // the city government gives no review opinion
        #expect(d.refusal { _ = try d.clerk(d.bureau, at: "2026-10-09T10:00:00").conveneReview(withOffice) }?.code == "review.not_participant")
        #expect(d.refusal { _ = try d.clerk(d.bureau, at: "2026-10-14T00:00:00").conveneReview(r) }?.code == "review.meeting_past")
        var badScope = r; badScope.scope = "major"
        #expect(d.refusal { _ = try d.clerk(d.bureau, at: "2026-10-09T10:00:00").conveneReview(badScope) }?.code == "review.scope")
        #expect(try d.bureau.store.count() == before)
        let review = try d.clerk(d.bureau, at: "2026-10-09T10:00:00").conveneReview(r)
        #expect(review.json["participants"] == ["d1", "d2"] && review.json["opinionLimit"] == "2026-10-14T00:00:00+08:00")
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-09T11:00:00")
        let list = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-13T08:00:00"), department: "d1").inbox()
        #expect(list.items.filter { $0.rule == "R13" }.map(\.action) == ["opine"], "\(list.items.map(\.action))")
        #expect(list.items.first { $0.rule == "R13" }?.due?.lastDay == CivilDate(iso: "2026-10-13")!)
        // Market objects, with its reasons; once.
        let market = try d.clerk(d.market, at: "2026-10-13T10:00:00")
        #expect(d.refusal { _ = try market.giveOpinion(review.op.id.hex, position: "object", text: nil, staff: "S01") }?.code == "review.reasons")
        let opinion = try market.giveOpinion(review.op.id.hex, position: "object", text: "选址距水源地不足1公里", staff: "S01")
        #expect(opinion.json["afterMeetingDay"] == false)
        #expect(d.refusal { _ = try market.giveOpinion(review.op.id.hex, position: "agree", text: nil, staff: "S01") }?.code == "review.already_opined")
        try d.carry(d.market.store, to: d.bureau.store, at: "2026-10-13T11:00:00")
        // No agreement over an objection (dated in time, not yet witnessed by another department): the bureau escalates.
        let bureau = try d.clerk(d.bureau, at: "2026-10-13T16:00:00")
        let objection = d.refusal { _ = try bureau.issueMinutes(review.op.id.hex, outcome: "agreed", text: "一致同意", escalateTo: nil, staff: "S01") }
        #expect(objection?.code == "review.objection" && objection?.chinese.contains("报市政府决定") == true, "\(String(describing: objection))")
        #expect(d.refusal { _ = try bureau.issueMinutes(review.op.id.hex, outcome: "escalated", text: "x", escalateTo: nil, staff: "S01") }?.code == "review.outcome")
        #expect(d.refusal { _ = try bureau.issueMinutes(review.op.id.hex, outcome: "escalated", text: "x", escalateTo: "d0", staff: "S01") }?.code == "workflow.self")
        let minutes = try bureau.issueMinutes(review.op.id.hex, outcome: "escalated", text: "市场监管局反对，报市政府决定", escalateTo: "d3", staff: "S01")
        #expect(d.refusal { _ = try bureau.issueMinutes(review.op.id.hex, outcome: "escalated", text: "again", escalateTo: "d3", staff: "S01") }?.code == "review.already_concluded")
        try d.carry(d.bureau.store, to: d.market.store, at: "2026-10-13T16:30:00")
        let ackList = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-14T09:00:00"), department: "d1").inbox()
        #expect(ackList.items.filter { $0.rule == "R13" }.map(\.action) == ["acknowledge"])
        let signer = try d.clerk(d.market, at: "2026-10-14T09:00:00")
        _ = try signer.acknowledgeMinutes(minutes.op.id.hex, staff: "S01")
        #expect(d.refusal { _ = try signer.acknowledgeMinutes(minutes.op.id.hex, staff: "S01") }?.code == "review.already_acknowledged")
        #expect(try ReplicaReader(store: d.market.store, now: F.ms("2026-10-14T10:00:00"), department: "d1").inbox().items.allSatisfy { $0.rule != "R13" })
        try d.carry(d.market.store, to: d.bureau.store, at: "2026-10-14T10:00:00")
        // The review as a clerk reads it: market objected, ecology silent (consent), escalated, who acknowledged.
        let lines = try d.clerk(d.bureau, at: "2026-10-14T10:30:00").reader.report(review.op.id.hex).lines
        #expect(lines.contains { $0.contains("部门1: 反对 objects") }, "\(lines)")
        #expect(lines.contains { $0.contains("部门2: 视为同意") }, "\(lines)")
        #expect(lines.contains { $0.contains("报市政府决定 escalated to 部门3") }, "\(lines)")
        #expect(lines.contains { $0.contains("awaiting acknowledgement: 部门2、部门3") }, "\(lines)")
        #expect(try d.clerk(d.bureau, at: "2026-10-14T10:30:00").reader.report(minutes.op.id.hex).lines == lines)   // named by its minutes too
        // `inbox --all`: both items stay listed for market, with where each stands.
        let history = try ReplicaReader(store: d.market.store, now: F.ms("2026-10-14T10:00:00"), department: "d1").history()
        #expect(history.contains { $0.item.action == "opine" && $0.status == "disagreement" }, "\(history.map { ($0.item.action, $0.status) })")
        #expect(history.contains { $0.item.action == "acknowledge" && $0.status == "minutes_escalated" })
        for s in [d.bureau.store, d.market.store] { #expect(try s.checkReadModel().isConsistent) }
    }
}
