import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica

/// `shenguan query`: pushes across licences, by approval item or subject (R22).
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Query (R22): the pushes of one approval item or subject, by period, department and status.",
        discussion: "Example: shenguan query --item-code 370100-001 --period 2026-Q4 --status auto_claimed --csv")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("item-code"), help: "The approval item's code (事项编码).") var itemCode: String?
    @Option(help: "A subject: licence number, credit code or name (exact).") var subject: String?
    @Option(help: "Pushes made in a year (2026), quarter (2026-Q4) or month (2026-10).") var period: String?
    @Option(help: "Pushed to this department.") var to: String?
    @Option(help: "Pushed by this department.") var from: String?
    @Option(help: "Only this status (pending, claimed_on_time, claimed_late, auto_claimed, claimed_awaiting_witness).") var status: String?
    @Option(help: "How many pushes (1–1000).") var limit = 200
    @Flag(help: "Comma-separated values with a header line.") var csv = false

    func run() throws {
        let reader = try openReader(global)
        var q = PushQuery()
        q.itemCode = itemCode; q.subject = subject; q.to = to; q.from = from; q.status = status; q.limit = limit
        q.period = try period.map { try ReportPeriod($0) }
        let rows = try reader.query(q)
        if global.json { printJSON(.array(rows.map(\.json))); return }
        let cells = rows.map { h in
            [h.item.id.hex, ClerkWords.status(h.status), h.item.rule, h.item.from, h.item.due.map { $0.deadlineRFC3339 } ?? "",
             ChinaStandardTime.rfc3339CST(millis: h.item.since), h.item.title]
        }
        if csv {
            print(["推送 push", "状态 status", "规则 rule", "推送部门 from", "时限 limit", "推送时间 pushed", "事项 what"].joined(separator: ","))
            for c in cells { print(c.map(Report.csvField).joined(separator: ",")) }
            return
        }
        if rows.isEmpty { print("(no push matches)"); return }
        printTable(["id", "状态 status", "rule", "from", "时限 limit", "what"], rows.map { h in
            [String(h.item.id.hex.prefix(12)), ClerkWords.status(h.status), h.item.rule, h.item.from,
             h.item.due.map { ClerkTime.limit($0, now: reader.now) + (h.provisional ? " (暂定)" : "") } ?? "—", h.item.title]
        })
    }
}
