import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica

/// `shenguan inspect`: joint site inspections (R14 联合勘验).
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Joint site inspections (R14): notice one working day ahead, a joint report signed by both.",
        subcommands: [Notice.self, Report.self, Countersign.self])

    struct Notice: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Announce a joint site inspection to a regulator, at least one working day before the visit (bureau).",
            discussion: "Example: shenguan inspect notice --to market --visit-date 2026-10-12 --place 东昌府区古楼街道 --subject 食品经营场所现场核查 --approval JY137150001")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Option(help: "The regulator that inspects with the bureau.") var to: String
        @Option(name: .customLong("visit-date"), help: "The day of the site visit, YYYY-MM-DD.") var visitDate: String
        @Option(help: "Where.") var place: String
        @Option(help: "What is inspected.") var subject: String
        @Option(help: "The licence concerned: id, prefix or licence number.") var approval: String?

        func run() throws {
            guard let day = try civilDate(visitDate, field: "visit-date") else { return }
            let clerk = try openClerk(global)
            var r = InspectionRequest(to: to, visitDate: day, place: place, subject: subject)
            r.approval = approval; r.staff = try who.resolved(clerk.reader)
            let res = try clerk.noticeInspection(r)
            if global.json {
                printJSON(.object(["notice": .string(res.op.id.hex), "noticeLimit": res.verdict.map { Workflow.json($0) } ?? .null]))
                return
            }
            let limit = res.verdict.map { " · notice limit \(ClerkTime.limit($0.due, now: clerk.now)): \(ClerkWords.noticeLimit($0))" } ?? ""
            print("notice \(res.op.id.hex)  → \(res.workflow.name(of: to)), visit \(day.iso) (R14)\(limit)")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the joint report of an inspection this department announced; the regulator countersigns it.",
            discussion: "Example: shenguan inspect report 5be1c0a2 --findings 经营场所与申请材料一致 --result 符合条件")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The notice id or prefix.") var notice: String
        @Option(help: "What was found.") var findings: String
        @Option(help: "The conclusion.") var result: String?

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.reportInspection(notice, findings: findings, result: result, staff: try who.resolved(clerk.reader))
            if global.json { printJSON(res.json) } else { print(res.text) }
        }
    }

    struct Countersign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Countersign the joint report of an inspection this department was notified of (regulator).",
            discussion: "Example: shenguan inspect countersign 77c0d1e4 --agree   (or --disagree --text 理由)")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var who: StaffOption
        @Argument(help: "The report id or prefix.") var report: String
        @Flag(help: "Agree with the report.") var agree = false
        @Flag(help: "Do not agree (give --text).") var disagree = false
        @Option(help: "Remarks; the reasons when not agreeing.") var text: String?

        func validate() throws {
            guard agree != disagree else { throw ValidationError("Give exactly one of --agree or --disagree.") }
        }

        func run() throws {
            let clerk = try openClerk(global)
            let res = try clerk.countersignInspection(report, agree: agree, text: text, staff: try who.resolved(clerk.reader))
            if global.json { printJSON(res.json) } else { print(res.text) }
        }
    }
}
