import ShenguanCalendar
import ShenguanCrypto

/// R19 (000 第二十条; 003 (六); 004 #28): each side sends the other the
/// documents it issues or forwards on transferred items at the same time,
/// invites it to the meetings and training it organises, and announces
/// added, removed or changed approval items beforehand; the recipients
/// acknowledge (PROTOCOL.md §4.1, §4.2).
public struct NoticeBody: Equatable, Sendable {
    public static let categories = ["document", "meeting", "training", "itemAdded", "itemRemoved", "itemChanged"]
    public static let maxRecipients = 64
    public let category: String, title: String, text: String
    public let to: [String]
    /// document: the day it was issued or forwarded; meeting, training: the
    /// day it is held; item*: the day the change takes effect.
    public let date: CivilDate
    public let place: String?
    /// The approval item added, removed or changed (item* only).
    public let itemCode: String?
    public let attachments: [AttachmentRef]

    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.noticeIssue, json, allowed: ["category", "title", "text", "to", "date", "place", "itemCode", "attachments"])
        category = try r.oneOf("category", Self.categories); title = try r.string("title", max: 200); text = try r.string("text")
        to = try r.departments("to", max: Self.maxRecipients); date = try r.date("date")!
        place = try r.text("place", max: 200, optional: true); itemCode = try r.text("itemCode", max: 64, optional: true)
        attachments = try AttachmentRef.list(r, "attachments")
        if category.hasPrefix("item") != (itemCode != nil) { throw r.bad("itemCode", "is given exactly when an approval item is added, removed or changed") }
    }

    /// A document goes with its issue (同时发): by the end of its day;
    /// everything else beforehand (提前函告, 通知参加): by the start of its day.
    public var isSameDay: Bool { category == "document" }
}

/// R19: a recipient's acknowledgement of a notice.
public struct NoticeAckBody: Equatable, Sendable {
    public let notice: Digest
    public init(json: JSONValue) throws(OpRejection) {
        let r = try BodyReader(kind: WorkflowKinds.noticeAck, json, allowed: ["notice"])
        notice = try r.id("notice")!
    }
}

extension Workflow {
    public struct Notice: Sendable {
        public let act: Act
        public let body: NoticeBody
        /// Acknowledgements by recipients (a recipient's first counts).
        public var acks: [Act] = []
        /// The recipients that have not acknowledged, in `to` order.
        public var waiting: [String] { let done = Set(acks.map(\.department)); return body.to.filter { !done.contains($0) } }
    }

    /// The R19 limit of a notice: the end of a document's day, or the start
    /// of the day of a meeting, training or item change.
    public static func noticeLimit(_ b: NoticeBody) -> WorkingDayCalendar.Due {
        let end = b.isSameDay ? b.date.adding(days: 1) : b.date
        return WorkingDayCalendar.Due(eventDay: b.date, workingDays: 0, lastDay: end.adding(days: -1),
                                      deadlineMillis: ChinaStandardTime.startOfDayMillis(end), countedDays: [])
    }

    /// R19: whether the notice exists by its limit, judged on its own bounds.
    public func noticeVerdict(of n: Notice, _ ctx: JudgeContext) -> Verdict {
        var v = Deadlines.decide(rule: "R19", due: Self.noticeLimit(n.body), act: (n.act.id, ctx.evidence.bounds(of: n.act.op)),
                                 graceMillis: ctx.policyAt(n.act.time).graceMillis, now: ctx.now)
        v.actBounds = ctx.evidence.bounds(of: n.act.op)
        return v
    }

    /// R19 on a recipient's list until it acknowledges (no limit).
    func noticeItems(for department: String) -> [InboxItem] {
        notices.values.filter { $0.waiting.contains(department) }.map { n in
            InboxItem(id: n.act.id, action: "acknowledge", rule: "R19", title: n.body.title, from: n.act.department, since: n.act.time, due: nil)
        }
    }

    mutating func placeNotice(_ act: Act, body: JSONValue) {
        if let b = try? NoticeBody(json: body) { notices[act.id] = Notice(act: act, body: b) }
    }

    /// Only a recipient acknowledges (§4.4).
    mutating func linkNotice(_ act: Act, body: JSONValue) {
        guard let b = try? NoticeAckBody(json: body), notices[b.notice]?.body.to.contains(act.department) == true else { return }
        notices[b.notice]?.acks.append(act)
    }
}
