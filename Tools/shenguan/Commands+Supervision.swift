import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

struct Supervise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record supervision information (R6, R8) and push it to the approval bureau (R7 limits).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Option(help: "penalty, suspension, revocation, inspection, training or regulation.") var category: String
    @Option(help: "Subject's name (required for penalty, suspension, revocation, inspection).") var subject: String?
    @Option(help: "Subject's unified social credit code (R8).") var creditCode: String?
    @Option(help: "Licence number concerned.") var licence: String?
    @Option(help: "The approval (licence) id or prefix this concerns.") var approval: String?
    @Option(help: "Decision date YYYY-MM-DD (default: today).") var decisionDate: String?
    @Option(help: "Publication date YYYY-MM-DD (default: the decision date); the R7 push limit counts from it.") var publishedDate: String?
    @Option(help: "What was decided or found.") var summary: String
    @Option(help: "Inspection place.") var place: String?
    @Option(help: "Inspection result.") var result: String?
    @Option(help: "Ask for a warning listing (R9): restricted or strict.") var listing: String?
    @Option(help: "Evidence or decision document (repeatable).") var attach: [String] = []
    @Option(help: "Department to push to (repeatable; default: the bureau that issued --approval).") var pushTo: [String] = []

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            if let c = creditCode, let why = CreditCode.problem(c) { throw CLIError("workflow.credit_code", "--credit-code: \(why).") }
            var targets = pushTo
            var approvalOp: VerifiedOp?
            if let approval {
                approvalOp = try s.resolve(approval, kind: WorkflowKinds.approval, what: "an approval")
                if targets.isEmpty, let d = s.roster.replicas[approvalOp!.header.author]?.department { targets = [d] }
            }
            guard !targets.isEmpty else { throw CLIError("workflow.no_bureau", "Name the bureau with --push-to (or --approval to push to the bureau that issued it) (R7).") }
            for d in targets { try s.checkDepartment(d) }
            let decided = try civilDate(decisionDate, now: s.now, field: "decision-date")
            let published = try publishedDate.map { try civilDate($0, now: s.now, field: "published-date") } ?? decided
            var body: [String: JSONValue] = ["category": .string(category), "summary": .string(summary),
                                             "decisionDate": .string(decided.iso), "publishedDate": .string(published.iso)]
            if subject != nil || creditCode != nil {
                body["subject"] = .object(["name": .string(subject ?? ""), "creditCode": .string(creditCode ?? "")])
            }
            if let licence { body["licenceNo"] = .string(licence) }
            if let a = approvalOp { body["approval"] = .string(a.id.hex) }
            if let place { body["place"] = .string(place) }
            if let result { body["result"] = .string(result) }
            if let listing { body["listing"] = .string(listing) }
            _ = try SupervisionBody(json: .object(body))
            if !attach.isEmpty { body["attachments"] = .array(try attach.map { try s.attach($0) }) }
            let record = try s.append(WorkflowKinds.supervision, body, staff: who.staff)
            let (wf, st) = try s.push(record.id, to: targets, staff: who.staff)
            if global.json { printJSON(.object(["record": .string(record.id.hex), "pushes": .array(st.map { wf.json($0) })])); return }
            print("supervision \(record.id.hex)  \(category)  (R6, R8)")
            for p in st {
                let pl = p.pushLimit.map { " · pushed \($0.outcome == .onTime ? "within" : "AFTER") the R7 push limit \($0.due.deadlineRFC3339)" } ?? ""
                print("  push \(p.push.act.id.hex)  → \(wf.name(of: p.push.body.to))  claim by \(p.claim.due.deadlineRFC3339) (R7)\(pl)")
            }
        }
    }
}

struct Warnings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The warning list (R9): subjects with restricted or strict admission, with reasons and sources.",
        subcommands: [WarningsList.self, WarningsAdd.self, WarningsRemove.self], defaultSubcommand: WarningsList.self)
}

struct WarningsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List subjects on the warning list.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this credit code.") var creditCode: String?
    @Flag(help: "Include delisted entries.") var all = false

    func run() throws {
        try guarded {
            let wf = try global.openStore().warningsView(now: try Clock.nowMillis()).workflow
            let entries = wf.warnings.values.filter { (all || $0.delisted == nil) && (creditCode == nil || $0.creditCode.value == creditCode) }
                .sorted { ($0.creditCode.value, $0.source) < ($1.creditCode.value, $1.source) }
            if global.json { printJSON(.array(entries.map { warningJSON($0) })); return }
            if entries.isEmpty { print("(no subject on the warning list)"); return }
            printTable(["credit code", "name", "level", "reason", "source", "by"], entries.map {
                [$0.creditCode.value, $0.name, ($0.level == "restricted" ? "限制准入" : "从严审批") + ($0.delisted == nil ? "" : " (delisted)"),
                 $0.reason, String($0.source.hex.prefix(12)), wf.name(of: $0.department)]
            })
        }
    }
}

struct WarningsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "List a subject by hand (bureau only, R9).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Option(help: "Subject's credit code.") var creditCode: String
    @Option(help: "Subject's name.") var name: String
    @Option(help: "restricted (限制准入) or strict (从严审批).") var level = "strict"
    @Option(help: "Why.") var reason: String

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            let op = try s.append(WorkflowKinds.warningList, ["creditCode": .string(creditCode), "name": .string(name),
                                                               "level": .string(level), "reason": .string(reason)], staff: who.staff)
            if global.json { printJSON(.object(["entry": .string(op.id.hex)])) } else { print("listed \(op.id.hex)  \(name) \(creditCode) (R9)") }
        }
    }
}

struct WarningsRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "End a listing (bureau only, R9).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The listing's source id (or prefix).") var entry: String
    @Option(help: "Why.") var reason: String

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            let e = try s.store.op(entry)
            let op = try s.append(WorkflowKinds.warningDelist, ["entry": .string(e.id.hex), "reason": .string(reason)], staff: who.staff)
            if global.json { printJSON(.object(["delist": .string(op.id.hex)])) } else { print("delisted \(op.id.hex) (R9)") }
        }
    }
}
