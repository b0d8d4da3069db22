import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// A query across items (R22): the pushes of the licences of one approval
/// item or of one subject, narrowed by period, departments and status.
public struct PushQuery: Sendable {
    /// The approval item's code (事项编码).
    public var itemCode: String?
    /// A subject: licence number, credit code or name (exact).
    public var subject: String?
    /// Pushes made in this period (CST months).
    public var period: ReportPeriod?
    public var to: String?, from: String?
    /// A status label: pending, claimed_on_time, claimed_late, auto_claimed, …
    public var status: String?
    public var limit = 200
    public init() {}
}

extension ReplicaReader {
    /// The pushes a query names, newest first, each with its status now
    /// (R22). Reads the licences and records of the item or subject through
    /// the read model's `subjects` index and their closures only.
    public func query(_ q: PushQuery) throws(ReplicaError) -> [HistoryItem] {
        guard q.itemCode != nil || q.subject != nil else {
            throw ReplicaError("query.scope", "Name an approval item (--item-code) or a subject (--subject: licence number, credit code or name); for a department's period use report.",
                               zh: "请指定审批事项（--item-code）或主体（--subject：证照编号、统一社会信用代码或名称）；按部门和期间统计请用 report。")
        }
        return try run {
            var records = Set<Digest>()
            if let c = q.itemCode { records.formUnion(try store.items(itemCode: c)) }
            if let s = q.subject {
                let named = Set(try store.items(named: s))
                records = q.itemCode == nil ? named : records.intersection(named)
            }
            let v = try store.itemsView(Array(records).sorted(), now: now)
            let months = q.period?.monthKeys
            let pushes = v.workflow.pushes.values.filter { p in
                records.contains(p.body.record)
                    && (q.to == nil || p.body.to == q.to) && (q.from == nil || p.act.department == q.from)
                    && (months == nil || months!.contains(Self.monthKey(p.act.time)))
            }.sorted { ($0.act.time, $0.act.id) > ($1.act.time, $1.act.id) }
            let rows = try Self.historyItems(pushes.map(\.act.id), v).filter { q.status == nil || $0.status == q.status }
            return Array(rows.prefix(max(1, min(q.limit, 1000))))
        }
    }

    static func monthKey(_ millis: Int64) -> String {
        let d = ChinaStandardTime.civilDate(atMillis: millis)
        return ReportPeriod.monthKey(d.year, d.month)
    }
}
