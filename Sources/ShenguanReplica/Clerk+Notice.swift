import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// A notice to send (R19): a document issued or forwarded, a meeting or
/// training the other side is invited to, or an approval item added,
/// removed or changed.
public struct NoticeInput: Sendable {
    /// document, meeting, training, itemAdded, itemRemoved or itemChanged.
    public var category: String
    public var title: String, text: String
    public var to: [String]
    /// The document's day; the meeting's or training's day; the day an item change takes effect.
    public var date: CivilDate
    public var place: String?
    public var itemCode: String?
    public var attachments: [FileUpload] = []
    public var staff: String?
    public init(category: String, title: String, text: String, to: [String], date: CivilDate) {
        self.category = category; self.title = title; self.text = text; self.to = to; self.date = date
    }
}

extension Clerk {
    /// Sends a notice to the departments named (R19), with its
    /// attachments, in one transaction; says whether it is in time
    /// (a document by the end of its day, the rest before their day).
    public func sendNotice(_ n: NoticeInput) throws(ReplicaError) -> ActResult {
        try run {
            guard NoticeBody.categories.contains(n.category) else {
                throw ReplicaError("notice.category", "\(n.category) is not a notice category; use one of \(NoticeBody.categories.joined(separator: ", ")). Nothing was written.",
                                   zh: "通知类别 \(n.category) 无效；可选：\(NoticeBody.categories.joined(separator: "、"))。未写入任何内容。")
            }
            if n.category.hasPrefix("item") != (n.itemCode != nil) {
                throw ReplicaError("notice.item_code", n.itemCode == nil ? "Name the approval item added, removed or changed (--item-code). Nothing was written."
                                                                       : "--item-code is for an item added, removed or changed. Nothing was written.",
                                   zh: n.itemCode == nil ? "请写明新增、删减或调整的审批事项（--item-code）。未写入任何内容。" : "--item-code 仅用于新增、删减或调整审批事项。未写入任何内容。")
            }
            let to = Array(Set(n.to)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            guard !to.isEmpty else {
                throw ReplicaError("notice.no_recipient", "Name at least one --to department. Nothing was written.", zh: "请至少写明一个接收部门（--to）。未写入任何内容。")
            }
            for d in to { try checkDepartment(d) }
            var body: [String: JSONValue] = ["category": .string(n.category), "title": .string(n.title), "text": .string(n.text),
                                             "to": .array(to.map { .string($0) }), "date": .string(n.date.iso)]
            if let p = n.place { body["place"] = .string(p) }
            if let c = n.itemCode { body["itemCode"] = .string(c) }
            _ = try NoticeBody(json: .object(body))
            let files = try n.attachments.map { try attachment($0) }
            let staff = try staffID(n.staff)
            let noticeBody = body
            var drafts = files.map(\.draft)
            drafts.append(draft(WorkflowKinds.noticeIssue, staff: staff) { written in
                var b = noticeBody
                if !files.isEmpty { b["attachments"] = .array(files.indices.map { files[$0].ref(written[$0]) }) }
                return b
            })
            let op = try appendAll(drafts).last!
            let (wf, ctx) = try item(op.id)
            let v = wf.notices[op.id].map { wf.noticeVerdict(of: $0, ctx) }
            let limit = v.map { "R19 limit \(ClerkTime.limit($0.due, now: now)): \(ClerkWords.sentLimit($0))" } ?? ""
            return ActResult(op: op, json: .object(["notice": .string(op.id.hex), "limit": v.map { Workflow.json($0) } ?? .null]),
                             text: "notice \(op.id.hex)  \(ClerkWords.noticeCategory(n.category)) → \(to.map { roster.departments[$0]?.name ?? $0 }.joined(separator: "、")); \(limit)")
        }
    }

    /// Acknowledges a notice sent to this department (R19). Once.
    public func acknowledgeNotice(_ notice: String, staff: String?) throws(ReplicaError) -> ActResult {
        let n = try resolve(notice, kind: WorkflowKinds.noticeIssue, what: "a notice", zh: "通知")
        return try run {
            let (dept, now) = (department, self.now)
            let op = try append(WorkflowKinds.noticeAck, ["notice": .string(n.id.hex)], staff: try staffID(staff), checking: (n.id, { wf, _ in
                guard let nn = wf.notices[n.id] else { return }
                guard nn.body.to.contains(dept) else {
                    throw ReplicaError("workflow.not_addressee", "This notice was not sent to \(wf.name(of: dept)) (R19). Nothing was written.",
                                       zh: "该通知未发送给 \(wf.name(of: dept))（R19）。未写入任何内容。")
                }
                if let a = nn.acks.first(where: { $0.department == dept }) {
                    throw ReplicaError("notice.already_acknowledged", "This department already acknowledged it (\(ItemReport.who(wf, a, now: now))). Nothing was written.",
                                       zh: "本部门已确认收悉（\(ItemReport.who(wf, a, now: now))）。未写入任何内容。")
                }
            }))
            return ActResult(op: op, json: .object(["ack": .string(op.id.hex), "notice": .string(n.id.hex)]),
                             text: "acknowledged \(op.id.hex)  the notice (R19)")
        }
    }
}
