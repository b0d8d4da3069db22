import Foundation
import Testing
import ShenguanCalendar
@testable import ShenguanCore
import ShenguanCrypto
import ShenguanTestSupport

/// R19 (000 第二十条; 003 (六)): documents go to the other side with their
/// issue, meeting and training invitations and item changes beforehand;
/// the recipients acknowledge.
extension WorkflowTests {
    static func notice(_ category: String, date: String, to: [String] = ["d0"], itemCode: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["category": .string(category), "title": "关于加强食品经营监管的通知", "text": "请遵照执行",
                                      "to": .array(to.map { .string($0) }), "date": .string(date)]
        if let itemCode { o["itemCode"] = .string(itemCode) }
        return .object(o)
    }

    /// To the second, each bounded by a witness of the recipient: a document
    /// issued on the eve of the National Day holiday goes out that day; a
    /// meeting on the first working day after it is announced by the
    /// holiday's last evening (calendar days: the holiday moves neither).
    @Test func aDocumentGoesWithItsIssueAndAMeetingIsAnnouncedBeforeItsDay() throws {
        for (category, date, at, outcome) in [("document", "2026-09-30", "2026-09-30T23:59:59", Verdict.Outcome.onTime),
                                              ("document", "2026-09-30", "2026-10-01T00:00:00", .late),
                                              ("meeting", "2026-10-08", "2026-10-07T23:59:59", .onTime),
                                              ("meeting", "2026-10-08", "2026-10-08T00:00:00", .late),
                                              ("itemRemoved", "2026-10-08", "2026-10-07T23:59:59", .onTime)] {
            var net = F.network()
            let n = net.write(1, kind: WorkflowKinds.noticeIssue, body: Self.notice(category, date: date, itemCode: category.hasPrefix("item") ? "370100-117" : nil),
                              at: F.ms(at))
            net.sync(from: 1, to: 0)
            net.write(0, kind: OpKinds.note, body: ["text": "收到"], at: F.ms(at) + 30_000)
            let r = everything(net)
            let v = try #require(r.workflow.notices[n.id].map { r.workflow.noticeVerdict(of: $0, ctx(r, now: F.ms("2026-10-20T12:00:00"))) })
            let end = category == "document" ? "2026-10-01" : date
            #expect(v.rule == "R19" && v.due.deadlineRFC3339 == "\(end)T00:00:00+08:00" && v.outcome == outcome, "\(category) at \(at): \(v.evidence)")
        }
    }

    @Test func eachRecipientAcknowledgesANoticeOnItsOwnList() throws {
        var net = F.network()
        let n = net.write(1, kind: WorkflowKinds.noticeIssue, body: Self.notice("training", date: "2026-10-15", to: ["d0", "d2"]), at: F.ms("2026-10-12T10:00:00"))
        for to in [0, 2, 3] { net.sync(from: 1, to: to) }
        var r = everything(net)
        for d in ["d0", "d2"] {
            #expect(try r.workflow.inbox(for: d, ctx(r, now: F.ms("2026-10-12T11:00:00"))).map { "\($0.action) \($0.rule)" } == ["acknowledge R19"])
        }
        #expect(try r.workflow.inbox(for: "d3", ctx(r, now: F.ms("2026-10-12T11:00:00"))).isEmpty)
        // d3 was not sent it; nobody sends a notice to itself; an item change names its item.
        let (byOther, _) = net.draft(3, kind: WorkflowKinds.noticeAck, body: ["notice": .string(n.id.hex)])
        #expect(rejection(decide(net, byOther)) == .notAddressee)
        let (toSelf, _) = net.draft(1, kind: WorkflowKinds.noticeIssue, body: Self.notice("document", date: "2026-10-12", to: ["d1"]))
        #expect(rejection(decide(net, toSelf)) == .invalidRef)
        #expect(throws: OpRejection.self) { try OpKinds.validate(kind: WorkflowKinds.noticeIssue, body: Self.notice("itemAdded", date: "2026-10-12")) }
        net.write(0, kind: WorkflowKinds.noticeAck, body: ["notice": .string(n.id.hex)], at: F.ms("2026-10-12T14:00:00"))
        r = everything(net)
        #expect(try r.workflow.inbox(for: "d0", ctx(r, now: F.ms("2026-10-12T15:00:00"))).isEmpty)
        #expect(r.workflow.notices[n.id]?.waiting == ["d2"])
    }
}
