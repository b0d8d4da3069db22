import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica

struct Inbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What this department must act on, oldest limit first, with time left in working days and hours.", discussion: "Example: shenguan inbox    (shenguan inbox --all: everything, done included)")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Show another department's inbox (default: this replica's).") var department: String?
    @Flag(help: "Everything addressed to the department, open or done (auto-claimed, answered, decided), newest first.") var all = false
    @Option(help: "With --all: how many items (1–1000).") var limit = 50

    func run() throws {
        if all { return try history() }
        let view = try openReader(global).inbox(department: department)
        if global.json { printJSON(view.json); return }
        let (wf, ctx) = (view.workflow, view.context)
        print("\(wf.name(of: view.department)) (\(view.department)) · \(view.items.count) 待办 to act on · now \(ClerkTime.instant(ctx.now, now: ctx.now))")
        if view.items.isEmpty { return }
        printTable(["id", "action", "rule", "from", "时限 limit", "剩余 left", "what"], view.items.map { i in
            [String(i.id.hex.prefix(12)), ClerkWords.action(i.action), i.rule, wf.name(of: i.from),
             i.due.map { ClerkTime.limit($0, now: ctx.now) + (ctx.calendar.isProvisional($0) ? " (暂定)" : "") } ?? "no limit",
             i.due.map { ClerkTime.left($0, now: ctx.now, calendar: ctx.calendar) } ?? "—", i.title]
        })
    }
}

extension Inbox {
    func history() throws {
        let reader = try openReader(global)
        let items = try reader.history(department: department, limit: limit)
        if global.json { printJSON(.object(["department": .string(department ?? reader.department ?? ""), "items": .array(items.map(\.json))])); return }
        if items.isEmpty { print("(nothing addressed to this department)"); return }
        printTable(["id", "action", "rule", "from", "时限 limit", "状态 status", "what"], items.map { h in
            let i = h.item
            return [String(i.id.hex.prefix(12)), ClerkWords.action(i.action), i.rule, i.from,
                    i.due.map { ClerkTime.limit($0, now: reader.now) + (h.provisional ? " (暂定)" : "") } ?? "—", ClerkWords.status(h.status), i.title]
        })
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Full history of a licence, push, revocation request or inquiry: who did what and when, with verdicts.",
        discussion: "Name the item by id (or prefix), licence number, credit code or applicant name.\nExample: shenguan status JY137150001")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "An id or prefix, a licence number, a credit code or an applicant's name.") var id: String

    func run() throws {
        let report = try openReader(global).report(id)
        if global.json { printJSON(report.json); return }
        for line in report.lines { print(line) }
    }
}

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Concurrent edits kept side by side until a later operation resolves them, and equivocating authors.", discussion: "Example: shenguan conflicts")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let view = try openReader(global).conflicts()
        if global.json { printJSON(view.json); return }
        let wf = view.workflow
        let now = try Clock.nowMillis()
        if wf.conflicts.isEmpty && view.equivocations.isEmpty { print("(no conflicts)"); return }
        for c in wf.conflicts {
            print("\(wf.title(ofRecord: c.target)) · \(c.field): \(c.values.count) concurrent values")
            for v in c.values { print("  \(pad(v.value, 24))  by \(v.by.flatMap { wf.acts[$0] }.map { ItemReport.who(wf, $0, now: now) } ?? "original")") }
        }
        for e in view.equivocations { print("equivocation: author \(e.author.prefix(12))… signed \(e.ids.count) different operations at seq \(e.seq): \(e.ids.map { $0.prefix(12) }.joined(separator: ", "))") }
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Timeliness report (R23): per department, how the pushes of a period were claimed, and R7 push-backs.",
        discussion: "The same verdicts as `status` and the web interface's 统计 page.\nExample: shenguan report 2026-Q4 --csv > 2026-Q4.csv")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A year (2026), a quarter (2026-Q4) or a month (2026-10); default: this month.") var period: String?
    @Flag(help: "Comma-separated values with a header line (for a spreadsheet).") var csv = false
    @Option(name: .customLong("bundle-for"), help: "Write the report bundle of this department (every counted push with its evidence) to --out.") var bundleFor: String?
    @Option(help: "The report bundle file to write (with --bundle-for).") var out: String?

    func run() throws {
        let reader = try openReader(global)
        let p = try period.map(ReportPeriod.init) ?? ReportPeriod.month(containing: reader.now)
        if let d = bundleFor {
            guard let out else { throw ValidationError("--bundle-for needs --out FILE") }
            let bundle = try reader.reportBundle(p, department: d)
            try Data(try CanonicalJSON.encode(bundle.json)).write(to: URL(fileURLWithPath: out))
            let counts = bundle.verdict["counts"]?.objectValue?.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.intValue ?? 0)" }.joined(separator: ", ") ?? ""
            print("report bundle \(p) · \(d) · \(bundle.verdict["pushes"]?.arrayValue?.count ?? 0) pushes (\(counts)) · \(bundle.envelopes.count) ops → \(out)  (check: shenguan verify \(out))")
            return
        }
        let (lines, unjudged) = try reader.timeliness(p, settle: .max)
        if global.json {
            printJSON(.object(["period": .string(p.description), "unjudged": .int(Int64(unjudged)), "departments": .array(lines.map(\.json))]))
            return
        }
        func rate(_ l: TimelinessLine) -> String { l.onTimeRate.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
        if csv {
            print((["department", "name", "received"] + TimelinessLine.outcomes
                   + ["on_time_rate", "pushed_back_on_time", "pushed_back_late", "credit_push_on_time", "credit_push_late"]).joined(separator: ","))
            for l in lines {
                let cells = [l.department, l.name, String(l.received)] + l.claimCounts.map(String.init)
                    + [l.onTimeRate.map { String(format: "%.4f", $0) } ?? "", String(l.pushes["on_time"] ?? 0), String(l.pushes["late"] ?? 0),
                       String(l.creditPushes["on_time"] ?? 0), String(l.creditPushes["late"] ?? 0)]
                print(cells.map(Self.csvField).joined(separator: ","))
            }
            return
        }
        print("审管互动 timeliness report \(p) · \(lines.count) departments\(unjudged > 0 ? " · \(unjudged) pushes not judged yet (run again shortly)" : "")")
        printTable(["部门 department", "收到 received", "按时 on time", "逾期 late", "超时自动 auto", "待见证 awaiting", "待认领 open", "按时率 rate",
                    "R7 按时/逾期", "R20 信用 按时/逾期"],
                   lines.map { l in
                       ["\(l.name) (\(l.department))", String(l.received)] + l.claimCounts.map(String.init)
                           + [rate(l), "\(l.pushes["on_time"] ?? 0)/\(l.pushes["late"] ?? 0)",
                              "\(l.creditPushes["on_time"] ?? 0)/\(l.creditPushes["late"] ?? 0)"]
                   })
    }

    /// RFC 4180: quoted when it holds a comma, a quote or a line break.
    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

struct Reminders: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reminders (R22): what this department must act on within a working day; prints nothing when there is none.",
        discussion: "For a cron job at the start of each working day.\nExample: shenguan reminders --json")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Another department's reminders (default: this replica's).") var department: String?

    func run() throws {
        let view = try openReader(global).inbox(department: department)
        let due = view.reminders
        if global.json {
            printJSON(.object(["department": .string(view.department), "items": .array(due.map { view.workflow.json($0, view.context) })]))
            return
        }
        let (wf, ctx) = (view.workflow, view.context)
        for i in due {
            let limit = i.due.map { ClerkTime.limit($0, now: ctx.now) } ?? ""
            print("提醒 reminder  \(ClerkWords.action(i.action)) \(i.rule)  \(i.title)  from \(wf.name(of: i.from))  时限 \(limit)  \(String(i.id.hex.prefix(12)))")
        }
    }
}
