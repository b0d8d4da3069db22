import ArgumentParser
import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue an approval (R1) and push it to the responsible regulators (R2 claim limits start).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Option(help: "Item code (事项编码).") var itemCode: String
    @Option(help: "Item name (事项名称).") var itemName: String
    @Option(help: "Power type: 行政许可, 行政确认, 行政备案, 其他行政权力, 公共服务.") var powerType = "行政许可"
    @Option(help: "Applicant's name (申请人).") var applicant: String
    @Option(help: "Applicant's 18-character unified social credit code (R8, GB 32100-2015).") var creditCode: String
    @Option(help: "Applicant's contact (联系方式).") var contact: String
    @Option(help: "Licence number (证照编号).") var licence: String
    @Option(help: "Decision date YYYY-MM-DD (default: today, CST).") var decisionDate: String?
    @Option(help: "Valid until YYYY-MM-DD.") var validUntil: String?
    @Option(help: "Project code (项目代码).") var projectCode: String?
    @Option(help: "Approval reply (批复) text.") var reply: String?
    @Option(help: "A risk point found during approval (repeatable).") var risk: [String] = []
    @Option(help: "The signed commitment letter of a 告知承诺 item (a file; marks the item as one).") var commitmentLetter: String?
    @Option(help: "A scanned attachment (repeatable).") var attach: [String] = []
    @Option(help: "Department to push to (repeatable).") var pushTo: [String] = []

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            // Everything a clerk can get wrong is checked before anything is signed.
            if let why = CreditCode.problem(creditCode) { throw CLIError("workflow.credit_code", "--credit-code: \(why).") }
            guard !pushTo.isEmpty else { throw CLIError("workflow.no_regulator", "Name at least one --push-to department (R1: push to each responsible regulator).") }
            for d in pushTo { try s.checkDepartment(d) }
            let decided = try civilDate(decisionDate, now: s.now, field: "decision-date")
            let until = try validUntil.map { try civilDate($0, now: s.now, field: "valid-until") }
            let code = CreditCode(creditCode)!
            let alerts = try s.store.warningsView(creditCode: code, now: s.now).workflow.activeWarnings(for: code)   // R9
            var body: [String: JSONValue] = [
                "item": .object(["code": .string(itemCode), "name": .string(itemName)]), "powerType": .string(powerType),
                "applicant": .object(["name": .string(applicant), "creditCode": .string(creditCode), "contact": .string(contact)]),
                "licenceNo": .string(licence), "decisionDate": .string(decided.iso), "riskPoints": .array(risk.map { .string($0) }),
                "commitment": .bool(commitmentLetter != nil),
            ]
            if let until { body["validUntil"] = .string(until.iso) }
            if let projectCode { body["projectCode"] = .string(projectCode) }
            if let reply { body["reply"] = .string(reply) }
            if !alerts.isEmpty { body["alerts"] = .array(alerts.map { .string($0.source.hex) }) }
            var check = body; check["commitment"] = .bool(false)
            _ = try ApprovalBody(json: .object(check))   // schema errors before any file is read
            // The claim limits the pushes start must be computable now (the
            // calendar covers them), or nothing is signed.
            try s.checkLimit(workingDays: s.roster.policy.claim.workingDays, what: "the R2 claim limit of these pushes")
            // Files, approval and pushes: one transaction, all or nothing.
            let letter = try commitmentLetter.map { try s.attachment($0) }
            let files = try attach.map { try s.attachment($0) }
            let attachments = (letter.map { [$0] } ?? []) + files
            var drafts = attachments.map(\.draft)
            let approvalAt = drafts.count
            let approvalBody = body
            drafts.append(try s.draft(WorkflowKinds.approval, staff: who.staff) { written in
                var b = approvalBody
                if let letter { b["commitmentLetter"] = letter.ref(written[0]) }
                if !files.isEmpty { b["attachments"] = .array(files.indices.map { files[$0].ref(written[$0 + (letter == nil ? 0 : 1)]) }) }
                return b
            })
            for d in pushTo {
                drafts.append(try s.draft(WorkflowKinds.push, staff: who.staff) { written in
                    ["record": .string(written[approvalAt].id.hex), "to": .string(d)]
                })
            }
            let ops = try s.appendAll(drafts)
            let approval = ops[approvalAt]
            let (after, ctx) = try s.item(approval.id)
            let statuses = try ops[(approvalAt + 1)...].compactMap { after.pushes[$0.id] }.map { try after.status(of: $0, ctx) }
            if global.json {
                printJSON(.object(["approval": .string(approval.id.hex),
                                   "alerts": .array(alerts.map { warningJSON($0) }),
                                   "pushes": .array(statuses.map { after.json($0) })]))
                return
            }
            print("approval \(approval.id.hex)  \(itemName) · \(applicant) · \(licence)  (R1)")
            for w in alerts {
                print("  ⚠ 预警名单 warning list (R9): \(w.level == "restricted" ? "限制准入 restricted admission" : "从严审批 strict admission") — \(w.reason) [\(w.source.hex.prefix(12))]")
            }
            for st in statuses {
                print("  push \(st.push.act.id.hex)  → \(after.name(of: st.push.body.to))  claim by \(st.claim.due.deadlineRFC3339) (\(st.claim.rule), \(st.claim.due.workingDays) working days)")
            }
        }
    }
}

func warningJSON(_ w: Workflow.WarningEntry) -> JSONValue {
    .object(["source": .string(w.source.hex), "creditCode": .string(w.creditCode.value), "name": .string(w.name),
             "level": .string(w.level), "reason": .string(w.reason), "department": .string(w.department),
             "delisted": w.delisted.map { .string($0.hex) } ?? .null])
}

struct Claim: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Claim (sign for) a push addressed to this department (R2, R3, R7).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The push id (or prefix).") var push: String

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            let p = try s.resolve(push, kind: WorkflowKinds.push, what: "a push")
            let (wf, _) = try s.item(p.id)
            if let first = wf.pushes[p.id]?.claims.first, wf.pushes[p.id]?.body.to == s.department {
                throw CLIError("workflow.already_claimed", "This push was already claimed by \(wf.who(first)); nothing was written.")
            }
            let op = try s.append(WorkflowKinds.claim, ["push": .string(p.id.hex)], staff: who.staff)
            let (after, ctx) = try s.item(p.id)
            let st = try after.status(of: after.pushes[p.id]!, ctx)
            if global.json { printJSON(.object(["claim": .string(op.id.hex), "push": after.json(st)])); return }
            print("claim \(op.id.hex)  \(Words.of(st.label))  (\(st.claim.rule); limit \(st.claim.due.deadlineRFC3339))")
            if st.claim.outcome == .late { print("  the automatic claim at the limit stands; responsible: \(after.name(of: st.push.body.to)) (R2, R24)") }
        }
    }
}

struct Feedback: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send doubts or a dispute about a received push back to its sender (R4).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The push id (or prefix).") var push: String
    @Option(help: "What is doubted or disputed.") var text: String

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            let p = try s.resolve(push, kind: WorkflowKinds.push, what: "a push")
            let op = try s.append(WorkflowKinds.feedback, ["push": .string(p.id.hex), "text": .string(text)], staff: who.staff)
            let (wf, ctx) = try s.item(p.id)
            let st = try wf.status(of: wf.pushes[p.id]!, ctx)
            if global.json { printJSON(.object(["feedback": .string(op.id.hex), "push": wf.json(st)])); return }
            print("feedback \(op.id.hex)  \(st.feedback.map { $0.outcome == .onTime ? "within" : "after" } ?? "?") the R4 limit \(st.feedback?.due.deadlineRFC3339 ?? "")")
        }
    }
}

struct Relay: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Forward a push this department received to a higher-level regulator (R5).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: StaffOption
    @Argument(help: "The push id (or prefix).") var push: String
    @Option(help: "The department to forward to.") var to: String

    func run() throws {
        try guarded {
            let s = try WorkflowSession(global)
            let p = try s.resolve(push, kind: WorkflowKinds.push, what: "a push")
            try s.checkDepartment(to)
            guard let record = p.body.flatMap({ try? PushBody(json: $0) })?.record else { throw CLIError("workflow.body_erased", "The push's content is not held.") }
            let op = try s.append(WorkflowKinds.push, ["record": .string(record.hex), "to": .string(to), "via": .string(p.id.hex)], staff: who.staff)
            if global.json { printJSON(.object(["push": .string(op.id.hex), "via": .string(p.id.hex)])); return }
            print("push \(op.id.hex)  relayed to \(s.roster.departments[to]?.name ?? to) (R5)")
        }
    }
}
