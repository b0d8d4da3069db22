import ArgumentParser
import Foundation
import ShenguanCore
import ShenguanReplica

struct Supervise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record supervision information (R6, R8) and push it to the approval bureau (R7 limits).",
        discussion: "Example: shenguan supervise --category penalty --subject 鲁西餐饮有限公司 --credit-code 91371500MA3C4XYW1A --approval JY137150001 --summary '罚款 5000 元' --attach decision.pdf")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Option(help: "What kind of supervision information (R6).") var category: SupervisionCategory
    @Option(help: "Subject's name (required for penalty, suspension, revocation, inspection).") var subject: String?
    @Option(help: "Subject's unified social credit code (R8).") var creditCode: String?
    @Option(help: "Licence number concerned.") var licence: String?
    @Option(help: "The approval (licence) this concerns: id or prefix, or licence number.") var approval: String?
    @Option(help: "Decision date YYYY-MM-DD (default: today); the R20 credit-push limit counts from it.") var decisionDate: String?
    @Option(help: "Publication date YYYY-MM-DD (default: the decision date); the R7 push limit counts from it.") var publishedDate: String?
    @Option(help: "What was decided or found.") var summary: String
    @Option(help: "Inspection place.") var place: String?
    @Option(help: "Inspection result.") var result: String?
    @Option(help: "Ask for a warning listing (R9): restricted (限制准入) or strict (从严审批).") var listing: WarningLevel?
    @Option(help: "Evidence or decision document (repeatable).") var attach: [String] = []
    @Option(help: "Department to push to (repeatable; default: the bureau that issued --approval and every credit platform).") var pushTo: [String] = []

    func run() throws {
        let clerk = try openClerk(global)
        var r = SupervisionRequest(category: category.value, summary: summary)
        r.subject = subject; r.creditCode = creditCode; r.licence = licence; r.approval = approval
        r.decisionDate = try civilDate(decisionDate, field: "decision-date")
        r.publishedDate = try civilDate(publishedDate, field: "published-date")
        r.place = place; r.result = result; r.listing = listing?.value
        r.attachments = try attach.map(upload)
        r.pushTo = pushTo
        r.staff = try who.resolved(clerk.reader)
        let res = try clerk.supervise(r)
        if global.json { printJSON(res.json); return }
        print("supervision \(res.record.id.hex)  \(category.value)  (R6, R8)")
        for p in res.pushes {
            let pl = p.pushLimit.map { " · R7 push limit \(ClerkTime.limit($0.due, now: clerk.now)): \(ClerkWords.pushLimit($0))" } ?? ""
            print("  push \(p.push.act.id.hex)  → \(res.workflow.name(of: p.push.body.to))  claim by \(ClerkTime.limit(p.claim.due, now: clerk.now)) (R7)\(pl)")
        }
    }
}

struct Warnings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The warning list (R9): subjects with restricted or strict admission, with reasons and sources.",
        subcommands: [WarningsList.self, WarningsAdd.self, WarningsRemove.self], defaultSubcommand: WarningsList.self)
}

struct WarningsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List subjects on the warning list.", discussion: "Example: shenguan warnings list --credit-code 91371500MA3C4XYW1A")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this credit code.") var creditCode: String?
    @Flag(help: "Include delisted entries.") var all = false

    func run() throws {
        let (wf, entries) = try openReader(global).warnings(creditCode: creditCode, includeDelisted: all)
        if global.json { printJSON(.array(entries.map(\.json))); return }
        if entries.isEmpty { print("(no subject on the warning list)"); return }
        printTable(["credit code", "name", "level", "reason", "source", "by"], entries.map {
            [$0.creditCode.value, $0.name, ($0.level == "restricted" ? "限制准入" : "从严审批") + ($0.delisted == nil ? "" : " (delisted)"),
             $0.reason, String($0.source.hex.prefix(12)), wf.name(of: $0.department)]
        })
    }
}

struct WarningsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "List a subject by hand (bureau only, R9).", discussion: "Example: shenguan warnings add --credit-code 91371500MA3C4XYW1A --name 鲁西餐饮有限公司 --level strict --reason 多次违法")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Option(help: "Subject's credit code.") var creditCode: String
    @Option(help: "Subject's name.") var name: String
    @Option(help: "restricted (限制准入) or strict (从严审批).") var level = WarningLevel(value: "strict")
    @Option(help: "Why.") var reason: String

    func run() throws {
        let clerk = try openClerk(global)
        let op = try clerk.listWarning(creditCode: creditCode, name: name, level: level.value, reason: reason, staff: try who.resolved(clerk.reader))
        if global.json { printJSON(.object(["entry": .string(op.id.hex)])) } else { print("listed \(op.id.hex)  \(name) \(creditCode) (R9)") }
    }
}

struct WarningsRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "End a listing (bureau only, R9).", discussion: "Example: shenguan warnings remove 7c0d11e2 --reason 整改完成")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The listing's source id (or prefix).") var entry: String
    @Option(help: "Why.") var reason: String

    func run() throws {
        let clerk = try openClerk(global)
        let op = try clerk.delistWarning(entry, reason: reason, staff: try who.resolved(clerk.reader))
        if global.json { printJSON(.object(["delist": .string(op.id.hex)])) } else { print("delisted \(op.id.hex) (R9)") }
    }
}
